// DescribeConfigs (key 32), AlterConfigs (key 33) and IncrementalAlterConfigs (key 44) for topic
// resources (type 2), and a read-only view of the broker's own settings (type 4).
#include <algorithm>
#include <charconv>
#include <sstream>

#include "broker-lite/server/api_table.h"
#include "broker-lite/server/broker.h"
#include "broker-lite/server/handlers/handler_util.h"
#include "broker-lite/server/kafka_errors.h"
#include "broker-lite/server/topic_manager.h"

namespace sluice::broker {
namespace {

constexpr int8_t kResourceTopic = 2;
constexpr int8_t kResourceBroker = 4;
// ConfigSource values of DescribeConfigs v1+.
constexpr int8_t kSourceDynamicTopic = 1;
constexpr int8_t kSourceStaticBroker = 4;
constexpr int8_t kSourceDefault = 5;

int8_t wire_config_type(ConfigType t) {
  switch (t) {
    case ConfigType::kBool:
      return 1;
    case ConfigType::kString:
      return 2;
    case ConfigType::kInt:
      return 3;
    case ConfigType::kLong:
      return 5;
    case ConfigType::kList:
      return 7;
  }
  return 0;
}

bool wanted(const std::optional<std::vector<std::string>>& keys, const std::string& name) {
  return !keys || keys->empty() || std::find(keys->begin(), keys->end(), name) != keys->end();
}

void describe_topic(Broker& broker, const kafka::DescribeConfigsRequest& req,
                    const kafka::DescribeConfigsRequest::DescribeConfigsResource& res,
                    kafka::DescribeConfigsResponse::DescribeConfigsResult& out) {
  Topic* topic = broker.topics().find(res.resource_name);
  if (!topic) {
    out.error_code = kUnknownTopicOrPartition;
    out.error_message = "no such topic '" + res.resource_name + "'";
    return;
  }
  auto keys = topic_config_keys();
  for (const auto& e : effective_topic_configs(broker.config(), topic->overrides)) {
    if (!wanted(res.configuration_keys, e.name)) continue;
    kafka::DescribeConfigsResponse::DescribeConfigsResourceResult c;
    c.name = e.name;
    c.value = e.value;
    c.is_default = e.is_default;
    c.config_source = e.is_default ? kSourceDefault : kSourceDynamicTopic;
    auto def = std::find_if(keys.begin(), keys.end(),
                            [&](const TopicConfigKey& k) { return e.name == k.name; });
    if (def != keys.end()) {
      c.config_type = wire_config_type(def->type);
      if (req.include_documentation) c.documentation = def->doc;
      if (req.include_synonyms) {
        if (!e.is_default) {
          kafka::DescribeConfigsResponse::DescribeConfigsSynonym s;
          s.name = e.name;
          s.value = e.value;
          s.source = kSourceDynamicTopic;
          c.synonyms.push_back(std::move(s));
        }
        if (def->broker_key[0]) {
          kafka::DescribeConfigsResponse::DescribeConfigsSynonym s;
          s.name = def->broker_key;
          s.value = effective_topic_configs(broker.config(), {}).at(def - keys.begin()).value;
          s.source = broker.config().explicit_values.count(def->broker_key) ? kSourceStaticBroker
                                                                            : kSourceDefault;
          c.synonyms.push_back(std::move(s));
        }
      }
    }
    out.configs.push_back(std::move(c));
  }
}

void describe_broker(Broker& broker, const kafka::DescribeConfigsRequest& req,
                     const kafka::DescribeConfigsRequest::DescribeConfigsResource& res,
                     kafka::DescribeConfigsResponse::DescribeConfigsResult& out) {
  if (!res.resource_name.empty() && res.resource_name != std::to_string(broker.node_id())) {
    out.error_code = kInvalidRequest;
    out.error_message = "unknown broker '" + res.resource_name + "'";
    return;
  }
  const auto& explicit_values = broker.config().explicit_values;
  for (const auto& k : broker_config_keys()) {
    if (!wanted(res.configuration_keys, k.name)) continue;
    kafka::DescribeConfigsResponse::DescribeConfigsResourceResult c;
    c.name = k.name;
    auto it = explicit_values.find(k.name);
    c.value = it != explicit_values.end() ? it->second : std::string(k.default_value);
    c.is_default = it == explicit_values.end();
    c.read_only = true;
    c.config_source = c.is_default ? kSourceDefault : kSourceStaticBroker;
    c.config_type = wire_config_type(k.type);
    if (req.include_documentation) c.documentation = k.doc;
    out.configs.push_back(std::move(c));
  }
}

std::vector<std::string> split_list(const std::string& v) {
  std::vector<std::string> out;
  std::stringstream ss(v);
  std::string item;
  while (std::getline(ss, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) {
    if (!out.empty()) out += ",";
    out += i;
  }
  return out;
}

// Maps a failed set_configs onto the response error.
void set_alter_error(const Status& s, int16_t& code, std::optional<std::string>& message) {
  if (s.is_ok()) return;
  code = s.code() == StatusCode::kNotFound ? kUnknownTopicOrPartition : kInvalidConfig;
  message = std::string(s.message());
}

}  // namespace

void handle_describe_configs(Broker& broker, const RequestPtr& request) {
  kafka::DescribeConfigsRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::DescribeConfigsResponse resp;
  for (const auto& res : req.resources) {
    kafka::DescribeConfigsResponse::DescribeConfigsResult out;
    out.resource_type = res.resource_type;
    out.resource_name = res.resource_name;
    if (res.resource_type == kResourceTopic) {
      describe_topic(broker, req, res, out);
    } else if (res.resource_type == kResourceBroker) {
      describe_broker(broker, req, res, out);
    } else {
      out.error_code = kInvalidRequest;
      out.error_message =
          "resource type " + std::to_string(res.resource_type) + " is not supported";
    }
    resp.results.push_back(std::move(out));
  }
  request->reply(resp);
}

void handle_alter_configs(Broker& broker, const RequestPtr& request) {
  kafka::AlterConfigsRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::AlterConfigsResponse resp;
  for (const auto& res : req.resources) {
    kafka::AlterConfigsResponse::AlterConfigsResourceResponse out;
    out.resource_type = res.resource_type;
    out.resource_name = res.resource_name;
    if (res.resource_type != kResourceTopic) {
      out.error_code = kInvalidRequest;
      out.error_message =
          "only topic configs can be altered; broker settings come from its config file";
    } else {
      std::map<std::string, std::string> set;
      for (const auto& c : res.configs) {
        if (c.value) set[c.name] = *c.value;
      }
      set_alter_error(
          broker.topics().set_configs(res.resource_name, set, {}, true, req.validate_only),
          out.error_code, out.error_message);
    }
    resp.responses.push_back(std::move(out));
  }
  request->reply(resp);
}

void handle_incremental_alter_configs(Broker& broker, const RequestPtr& request) {
  kafka::IncrementalAlterConfigsRequest req;
  if (!decode_or_close(request, req)) return;
  kafka::IncrementalAlterConfigsResponse resp;
  for (const auto& res : req.resources) {
    kafka::IncrementalAlterConfigsResponse::AlterConfigsResourceResponse out;
    out.resource_type = res.resource_type;
    out.resource_name = res.resource_name;
    Topic* topic =
        res.resource_type == kResourceTopic ? broker.topics().find(res.resource_name) : nullptr;
    if (res.resource_type != kResourceTopic) {
      out.error_code = kInvalidRequest;
      out.error_message =
          "only topic configs can be altered; broker settings come from its config file";
    } else if (!topic) {
      out.error_code = kUnknownTopicOrPartition;
      out.error_message = "no such topic '" + res.resource_name + "'";
    } else {
      std::map<std::string, std::string> set;
      std::vector<std::string> remove;
      Status problem;
      for (const auto& c : res.configs) {
        auto current_it = topic->overrides.find(c.name);
        std::string current = current_it != topic->overrides.end() ? current_it->second : "";
        if (current.empty()) {
          for (const auto& e : effective_topic_configs(broker.config(), topic->overrides)) {
            if (e.name == c.name) current = e.value;
          }
        }
        switch (c.config_operation) {
          case 0:  // SET
            set[c.name] = c.value.value_or("");
            break;
          case 1:  // DELETE
            remove.push_back(c.name);
            break;
          case 2:    // APPEND (list values)
          case 3: {  // SUBTRACT
            auto items = split_list(set.count(c.name) ? set[c.name] : current);
            for (const auto& v : split_list(c.value.value_or(""))) {
              auto it = std::find(items.begin(), items.end(), v);
              if (c.config_operation == 2 && it == items.end()) items.push_back(v);
              if (c.config_operation == 3 && it != items.end()) items.erase(it);
            }
            set[c.name] = join_list(items);
            break;
          }
          default:
            problem = Status::invalid_argument("unknown config operation " +
                                               std::to_string(c.config_operation) + " for '" +
                                               c.name + "'");
        }
      }
      if (!problem) {
        out.error_code = kInvalidRequest;
        out.error_message = std::string(problem.message());
      } else {
        set_alter_error(
            broker.topics().set_configs(res.resource_name, set, remove, false, req.validate_only),
            out.error_code, out.error_message);
      }
    }
    resp.responses.push_back(std::move(out));
  }
  request->reply(resp);
}

}  // namespace sluice::broker
