// Consumer: owns one librdkafka high-level (group) consumer handle, with the main queue
// redirected to the consumer queue so rd_kafka_consumer_poll serves rebalances and errors too.
// The worker's sink task loop calls rd_kafka_subscribe/consumer_poll/commit on handle()
// directly.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>

#include "broker-lite/util/status.h"
#include "runtime/kafka/conf.h"

namespace sluice::kafka_client {

// librdkafka's rebalance callback type. It must call rd_kafka_assign/incremental_assign (or
// their unassign forms) itself; see rd_kafka_conf_set_rebalance_cb.
using RebalanceFn = void (*)(rd_kafka_t*, rd_kafka_resp_err_t, rd_kafka_topic_partition_list_t*,
                             void*);

class Consumer {
 public:
  // A consumer configured by `props` (group.id, bootstrap.servers, ...). `rebalance_cb` may be
  // null (librdkafka assigns by itself). `opaque` is borrowed and must outlive the Consumer: the
  // callback also runs during close().
  [[nodiscard]] static Result<std::unique_ptr<Consumer>> create(const Props& props,
                                                                RebalanceFn rebalance_cb,
                                                                void* opaque);
  // Closes (if close() was not called) and destroys the handle.
  ~Consumer();
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // Valid for the Consumer's lifetime.
  rd_kafka_t* handle() { return rk_; }

  // Leaves the group (revoking the assignment through the rebalance callback) and stops
  // fetching. Does not commit: commit what is safe before. Idempotent; later calls return OK.
  [[nodiscard]] Status close();

 private:
  explicit Consumer(rd_kafka_t* rk) : rk_(rk) {}
  rd_kafka_t* rk_;
  bool closed_ = false;
};

}  // namespace sluice::kafka_client
