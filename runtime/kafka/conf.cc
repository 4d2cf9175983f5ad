// make_conf and friends (conf.h).
#include "runtime/kafka/conf.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace sluice::kafka_client {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// librdkafka's reason with every occurrence of a secret value replaced.
std::string scrub(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at)) {
    text.replace(at, secret.size(), "[hidden]");
    at += 8;
  }
  return text;
}

}  // namespace

bool is_sensitive_property(std::string_view key) {
  static constexpr std::array<std::string_view, 6> kMarkers = {
      "password", "secret", "sasl.jaas.config", "ssl.key.pem", "ssl_key", "ssl.keystore.key"};
  const std::string k = lower(key);
  return std::any_of(kMarkers.begin(), kMarkers.end(),
                     [&](std::string_view m) { return k.find(m) != std::string::npos; });
}

Result<rd_kafka_conf_t*> make_conf(const Props& props) {
  ConfGuard conf(rd_kafka_conf_new());
  char errstr[512];
  for (const auto& [key, value] : props) {
    errstr[0] = '\0';
    if (rd_kafka_conf_set(conf.get(), key.c_str(), value.c_str(), errstr, sizeof errstr) !=
        RD_KAFKA_CONF_OK) {
      std::string reason = errstr;
      if (is_sensitive_property(key)) reason = scrub(std::move(reason), value);
      return Status::invalid_argument("Kafka client property \"" + key + "\": " + reason);
    }
  }
  return conf.release();
}

Result<rd_kafka_t*> new_client(rd_kafka_type_t type, ConfGuard& conf, std::string_view what) {
  char errstr[512] = {0};
  rd_kafka_t* rk = rd_kafka_new(type, conf.get(), errstr, sizeof errstr);
  if (rk == nullptr) {
    return Status::invalid_argument("cannot create the Kafka " + std::string(what) + ": " + errstr);
  }
  conf.release();  // owned by rk now
  return rk;
}

}  // namespace sluice::kafka_client
