// Building librdkafka configurations from Kafka client property maps: one error per bad property
// naming it and quoting librdkafka's reason, with the values of sensitive properties (passwords,
// secrets, private keys, JAAS configs) never appearing in any message.
#pragma once

#include <librdkafka/rdkafka.h>

#include <map>
#include <string>
#include <string_view>

#include "broker-lite/util/status.h"

namespace sluice::kafka_client {

using Props = std::map<std::string, std::string>;

// True for properties whose values are secrets (sasl.password, ssl.key.password,
// sasl.jaas.config, ssl.key.pem, any key containing "password" or "secret", ...).
bool is_sensitive_property(std::string_view key);

// A new rd_kafka_conf_t holding every property of `props`. The caller owns the result: it passes
// it to rd_kafka_new (which takes it over on success) or frees it with rd_kafka_conf_destroy. An
// unknown or invalid property is kInvalidArgument "Kafka client property \"<key>\": <reason>".
[[nodiscard]] Result<rd_kafka_conf_t*> make_conf(const Props& props);

// Owns an rd_kafka_conf_t until released (for the create() paths below).
class ConfGuard {
 public:
  explicit ConfGuard(rd_kafka_conf_t* conf) : conf_(conf) {}
  ~ConfGuard() {
    if (conf_ != nullptr) rd_kafka_conf_destroy(conf_);
  }
  ConfGuard(const ConfGuard&) = delete;
  ConfGuard& operator=(const ConfGuard&) = delete;
  rd_kafka_conf_t* get() const { return conf_; }
  // Gives up ownership (after rd_kafka_new succeeded).
  rd_kafka_conf_t* release() {
    rd_kafka_conf_t* c = conf_;
    conf_ = nullptr;
    return c;
  }

 private:
  rd_kafka_conf_t* conf_;
};

// rd_kafka_new over `conf` (owned by the guard; released on success). `what` names the client
// in the error ("producer", "consumer", "admin client").
[[nodiscard]] Result<rd_kafka_t*> new_client(rd_kafka_type_t type, ConfGuard& conf,
                                             std::string_view what);

}  // namespace sluice::kafka_client
