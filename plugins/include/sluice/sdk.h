// The Sluice C++ plugin SDK: Kafka Connect's connector model, header-only, over the plain-C ABI
// of plugin_abi.h. No exception and no C++ type crosses into the host. Guide:
// docs/plugin-guide.md; ABI: docs/formats/plugin-abi.md.
//
// API summary (namespace sluice):
//
//   Registration (once per shared library, at namespace scope):
//     SLUICE_PLUGIN_LIBRARY("lib-name", "1.0.0",
//         sluice::source_plugin<MyConnector, MyTask>("com.example.MySourceConnector",
//                                                    "One line description", {"alias"}),
//         sluice::sink_plugin<MySinkConnector, MySinkTask>("com.example.MySinkConnector"));
//
//   Connectors (derive; one instance per connector, control thread):
//     class MyConnector : public sluice::SourceConnector {   // or SinkConnector
//      public:
//       static sluice::ConfigDef config_def();              // keys, declared once
//       static std::string version();                       // optional (default: library's)
//       void validate(const Config&, ValidationReporter&) override;  // optional
//       void start(const sluice::Config& config) override;
//       std::vector<sluice::TaskConfig> task_configs(uint32_t max_tasks) override;
//       void stop() override;
//       void alter_offsets(const Config&, std::span<const OffsetChange>) override;  // optional
//     };  context(): request_task_reconfiguration(), raise_error(msg), offset(partition)
//
//   Source task (task thread; wake() from another thread):
//     start(const Config&); poll(uint32_t max_wait_ms, SourceRecordBatch& batch);
//     optional: commit_record(cookie, optional<RecordMetadata>), commit(), wake(); stop().
//     context(): offset(Fields partition) -> optional<Fields>, register_schema(Schema) -> id.
//     batch.add().topic("t").value_string("line").source_partition().set("file", path) ...
//
//   Sink task: start(const Config&); put(std::span<const SinkRecord>); optional: open(tps),
//     close(tps), flush(current), pre_commit(current) -> offsets, wake(); stop().
//     context(): pause/resume(tps), reset_offsets(offsets), assignment(), request_commit(),
//     errant_record_reporter().report(record, error).
//     SinkRecord: topic(), partition(), offset(), timestamp_ms(), key()/value() -> DataView
//     (as_string_view() for STRING/BYTES forms, typed() -> ValueReader for TYPED values).
//
//   Config: ConfigDef().define("file", ConfigType::kString, Importance::kHigh, "doc",
//             {.default_value = "", .required = false, .sensitive = false, .min = 1, ...});
//           Config: get_string/get_int/get_long/get_double/get_bool/get_list/has/originals.
//   Data:   Fields (source partitions/offsets), Schema (Connect schemas -> JSON),
//           TapeBuilder / ValueReader (typed values), decimal_bytes().
//   JSON:   sluice::json::append_string/append_integer/append_double/append_float/append_bool
//           (the worker's JSON bytes: UTF-8 kept, Java number layout).
//   Errors: throw RetriableError (retry), ConfigError (bad config), FailedError (fail); any
//           other exception fails the hook with its type name. Logging: sluice::log_info(...)
//           and log_error/log_warn/log_debug/log_trace, arguments streamed into one line.
//
// Optional hooks are detected at compile time: a method not overridden is left NULL in the ABI
// hook table so the worker applies its default (see connector.h). Do not overload hook names.
#ifndef SLUICE_SDK_H_
#define SLUICE_SDK_H_

#include <sluice/plugin_abi.h>
#include <sluice/sdk/config.h>
#include <sluice/sdk/connector.h>
#include <sluice/sdk/context.h>
#include <sluice/sdk/errors.h>
#include <sluice/sdk/fields.h>
#include <sluice/sdk/host.h>
#include <sluice/sdk/json.h>
#include <sluice/sdk/plugin.h>
#include <sluice/sdk/records.h>
#include <sluice/sdk/schema.h>
#include <sluice/sdk/tape.h>

#endif  // SLUICE_SDK_H_
