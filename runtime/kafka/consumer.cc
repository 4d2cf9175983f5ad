// Consumer (consumer.h).
#include "runtime/kafka/consumer.h"

#include <string>

namespace sluice::kafka_client {

Result<std::unique_ptr<Consumer>> Consumer::create(const Props& props, RebalanceFn rebalance_cb,
                                                   void* opaque) {
  Result<rd_kafka_conf_t*> made = make_conf(props);
  if (!made.is_ok()) return made.status();
  ConfGuard conf(*made);
  if (rebalance_cb != nullptr) rd_kafka_conf_set_rebalance_cb(conf.get(), rebalance_cb);
  rd_kafka_conf_set_opaque(conf.get(), opaque);
  Result<rd_kafka_t*> rk = new_client(RD_KAFKA_CONSUMER, conf, "consumer");
  if (!rk.is_ok()) return rk.status();
  std::unique_ptr<Consumer> consumer(new Consumer(*rk));
  rd_kafka_resp_err_t err = rd_kafka_poll_set_consumer(*rk);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::internal(std::string("Kafka consumer: cannot redirect its queue: ") +
                            rd_kafka_err2str(err));
  }
  return consumer;
}

Status Consumer::close() {
  if (closed_) return Status::ok();
  closed_ = true;
  rd_kafka_resp_err_t err = rd_kafka_consumer_close(rk_);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::unavailable(std::string("Kafka consumer close: ") + rd_kafka_err2str(err));
  }
  return Status::ok();
}

Consumer::~Consumer() {
  (void)close();
  rd_kafka_destroy(rk_);
}

}  // namespace sluice::kafka_client
