// Producer (producer.h).
#include "runtime/kafka/producer.h"

namespace sluice::kafka_client {

Result<std::unique_ptr<Producer>> Producer::create(const Props& props, DeliveryReportFn dr_msg_cb,
                                                   void* opaque) {
  Result<rd_kafka_conf_t*> made = make_conf(props);
  if (!made.is_ok()) return made.status();
  ConfGuard conf(*made);
  if (dr_msg_cb != nullptr) rd_kafka_conf_set_dr_msg_cb(conf.get(), dr_msg_cb);
  rd_kafka_conf_set_opaque(conf.get(), opaque);
  Result<rd_kafka_t*> rk = new_client(RD_KAFKA_PRODUCER, conf, "producer");
  if (!rk.is_ok()) return rk.status();
  return std::unique_ptr<Producer>(new Producer(*rk));
}

Producer::~Producer() {
  rd_kafka_destroy(rk_);
}

}  // namespace sluice::kafka_client
