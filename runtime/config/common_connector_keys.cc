// The common connector keys (see common_connector_keys.h).
#include "runtime/config/common_connector_keys.h"

namespace sluice::config {
namespace {

// Builds one KeyDef; the optional parts are set by the caller on the result.
KeyDef key(const char* name, ConfigType type, std::optional<std::string> default_value,
           Importance importance, const char* group, Width width, const char* display_name,
           const char* doc) {
  KeyDef k;
  k.name = name;
  k.type = type;
  k.default_value = std::move(default_value);
  k.required = !k.default_value.has_value();
  k.importance = importance;
  k.group = group;
  k.width = width;
  k.display_name = display_name;
  k.doc = doc;
  return k;
}

// A key whose default is null (optional, no value) rather than required.
KeyDef optional_key(KeyDef k) {
  k.required = false;
  return k;
}

}  // namespace

std::vector<KeyDef> common_connector_keys(ConnectorKind kind) {
  using T = ConfigType;
  using I = Importance;
  using W = Width;
  const bool sink = kind == ConnectorKind::kSink;
  std::vector<KeyDef> keys;

  KeyDef name =
      key("name", T::kString, std::nullopt, I::kHigh, kGroupCommon, W::kMedium, "Connector name",
          "Unique name of the connector in this worker. Its tasks are named "
          "<name>-<n>, and a sink's consumer group is connect-<name>.");
  name.non_empty = true;
  keys.push_back(name);
  keys.push_back(key("connector.class", T::kString, std::nullopt, I::kHigh, kGroupCommon, W::kLong,
                     "Connector class",
                     "The connector plugin to run: its full class name, or an alias such as the "
                     "last part of the name with or without the trailing 'Connector' (e.g. "
                     "FileStreamSource)."));
  KeyDef tasks_max = key("tasks.max", T::kInt, "1", I::kHigh, kGroupCommon, W::kShort, "Tasks max",
                         "Largest number of tasks the connector may run. It may run fewer when "
                         "it cannot split its work further.");
  tasks_max.min_value = "1";
  keys.push_back(tasks_max);
  keys.push_back(key("tasks.max.enforce", T::kBoolean, "true", I::kLow, kGroupCommon, W::kShort,
                     "Enforce tasks max",
                     "Fail the connector when it asks for more tasks than tasks.max. "
                     "Deprecated in Kafka Connect; kept for compatibility."));
  if (sink) {
    keys.push_back(key("topics", T::kList, "", I::kHigh, kGroupCommon, W::kLong, "Topics",
                       "Topics to consume, comma-separated. Give either this or topics.regex."));
    keys.push_back(key("topics.regex", T::kString, "", I::kHigh, kGroupCommon, W::kLong,
                       "Topics regex",
                       "Regular expression; every topic whose whole name matches is consumed. "
                       "Give either this or topics."));
  }
  keys.push_back(optional_key(
      key("key.converter", T::kClass, std::nullopt, I::kLow, kGroupCommon, W::kShort,
          "Key converter class",
          "Converter between record keys and bytes for this connector; unset: the worker's. "
          "Settings for it go under key.converter.")));
  keys.push_back(optional_key(
      key("value.converter", T::kClass, std::nullopt, I::kLow, kGroupCommon, W::kShort,
          "Value converter class",
          "Converter between record values and bytes for this connector; unset: the worker's. "
          "Settings for it go under value.converter.")));
  keys.push_back(optional_key(
      key("header.converter", T::kClass, std::nullopt, I::kLow, kGroupCommon, W::kShort,
          "Header converter class",
          "Converter between header values and bytes for this connector; unset: the worker's.")));
  KeyDef reload = key("config.action.reload", T::kString, "restart", I::kLow, kGroupCommon,
                      W::kMedium, "Reload Action",
                      "What happens when a config provider reports that a value changed: "
                      "restart the connector, or none.");
  reload.valid_values = {"none", "restart"};
  keys.push_back(reload);

  keys.push_back(key("transforms", T::kList, "", I::kLow, kGroupTransforms, W::kLong, "Transforms",
                     "Aliases of the transformations applied to records, in order. Each alias "
                     "needs transforms.<alias>.type."));
  keys.push_back(key("predicates", T::kList, "", I::kLow, kGroupPredicates, W::kLong, "Predicates",
                     "Aliases of the predicates transformations may use. Each alias needs "
                     "predicates.<alias>.type."));

  keys.push_back(key("errors.retry.timeout", T::kLong, "0", I::kMedium, kGroupErrors, W::kMedium,
                     "Retry Timeout for Errors",
                     "How long, in milliseconds, a failed operation is retried. 0: no retries; "
                     "-1: retry forever."));
  keys.push_back(key("errors.retry.delay.max.ms", T::kLong, "60000", I::kMedium, kGroupErrors,
                     W::kMedium, "Maximum Delay Between Retries for Errors",
                     "Longest wait between two retries (the wait doubles from one second)."));
  KeyDef tolerance = key("errors.tolerance", T::kString, "none", I::kMedium, kGroupErrors,
                         W::kShort, "Error Tolerance",
                         "What a conversion or transformation error does: none fails the task "
                         "at once; all skips the record (logging it or sending it to the dead "
                         "letter queue when configured).");
  tolerance.valid_values = {"none", "all"};
  keys.push_back(tolerance);
  keys.push_back(key("errors.log.enable", T::kBoolean, "false", I::kMedium, kGroupErrors, W::kShort,
                     "Log Errors", "Log every tolerated error with the operation that failed."));
  keys.push_back(key("errors.log.include.messages", T::kBoolean, "false", I::kMedium, kGroupErrors,
                     W::kShort, "Log Error Details",
                     "Include the record's topic, partition, offset and timestamp in those log "
                     "lines (never its key or value)."));
  if (sink) {
    keys.push_back(key("errors.deadletterqueue.topic.name", T::kString, "", I::kMedium,
                       kGroupErrors, W::kMedium, "Dead Letter Queue Topic Name",
                       "Topic that receives records the connector could not process (with "
                       "errors.tolerance=all). Empty: no dead letter queue."));
    keys.push_back(key("errors.deadletterqueue.topic.replication.factor", T::kInt, "3", I::kMedium,
                       kGroupErrors, W::kMedium, "Dead Letter Queue Topic Replication Factor",
                       "Replication factor of the dead letter queue topic when it is created "
                       "(-1: the broker's default)."));
    keys.push_back(key("errors.deadletterqueue.context.headers.enable", T::kBoolean, "false",
                       I::kMedium, kGroupErrors, W::kMedium, "Enable Error Context Headers",
                       "Add headers describing the failure (stage, exception, original topic, "
                       "partition and offset) to dead letter queue records."));
  } else {
    keys.push_back(key("topic.creation.groups", T::kList, "", I::kLow, kGroupTopicCreation,
                       W::kLong, "Topic Creation Groups",
                       "Names of topic creation groups besides 'default'; each is configured "
                       "with topic.creation.<group>.* keys."));
    keys.push_back(optional_key(
        key("topic.creation.default.replication.factor", T::kInt, std::nullopt, I::kLow,
            kGroupTopicCreation, W::kShort, "Default Replication Factor",
            "Replication factor of topics the connector creates (-1 or unset: the broker's "
            "default).")));
    keys.push_back(optional_key(
        key("topic.creation.default.partitions", T::kInt, std::nullopt, I::kLow,
            kGroupTopicCreation, W::kShort, "Default Partitions",
            "Partitions of topics the connector creates (-1 or unset: the broker's default).")));
  }
  int order = 0;
  std::string group;
  for (auto& k : keys) {
    if (k.group != group) {
      group = k.group;
      order = 0;
    }
    k.order_in_group = ++order;
  }
  return keys;
}

}  // namespace sluice::config
