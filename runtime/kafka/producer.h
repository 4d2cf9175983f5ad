// Producer: owns one librdkafka producer handle. The worker's source task loop calls
// rd_kafka_producev/rd_kafka_poll/rd_kafka_flush on handle() directly; this class only builds
// and destroys it.
#pragma once

#include <librdkafka/rdkafka.h>

#include <memory>

#include "broker-lite/util/status.h"
#include "runtime/kafka/conf.h"

namespace sluice::kafka_client {

// librdkafka's delivery-report callback type (called from rd_kafka_poll/flush on the polling
// thread with the message and the `opaque` given to create()).
using DeliveryReportFn = void (*)(rd_kafka_t*, const rd_kafka_message_t*, void*);

class Producer {
 public:
  // A producer configured by `props`. `dr_msg_cb` may be null (no delivery reports); `opaque` is
  // borrowed and must outlive the Producer (librdkafka hands it to every callback).
  [[nodiscard]] static Result<std::unique_ptr<Producer>> create(const Props& props,
                                                                DeliveryReportFn dr_msg_cb,
                                                                void* opaque);
  // Destroys the handle without flushing: the caller decides whether to rd_kafka_flush first.
  // Messages still queued then get no delivery report.
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Valid for the Producer's lifetime.
  rd_kafka_t* handle() { return rk_; }

 private:
  explicit Producer(rd_kafka_t* rk) : rk_(rk) {}
  rd_kafka_t* rk_;
};

}  // namespace sluice::kafka_client
