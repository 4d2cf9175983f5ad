// The host API (docs/formats/plugin-abi.md §5): error slot rules, the "allowed" rules answered
// with ILLEGAL_STATE, argument checks, forwarding to the InstanceListener, context_info and the
// schema functions, called the way a plugin calls them (through host_api()).
#include "runtime/plugin/host.h"

#include <gtest/gtest.h>

#include <thread>

#include "runtime/data/schema.h"
#include "runtime/plugin/abi_names.h"

namespace sluice::plugin {
namespace {

class RecordingListener : public InstanceListener {
 public:
  void request_task_reconfiguration() override { ++reconfigurations; }
  void raise_error(std::string message) override { raised = std::move(message); }
  void request_commit() override { ++commits; }
  Status offset_get(const sluice_field* partition, uint32_t n, const sluice_field** out,
                    uint32_t* out_n) override {
    if (n != 1 || view_of(partition[0].name) != "file") return Status::not_found("");
    *out = &offset;
    *out_n = 1;
    return Status::ok();
  }
  Status pause(const sluice_topic_partition*, uint32_t count) override {
    paused += count;
    return Status::ok();
  }
  Status report_errant(const sluice_record* r, std::string_view error) override {
    errant = r;
    errant_text = std::string(error);
    return Status::ok();
  }
  int reconfigurations = 0;
  int commits = 0;
  uint32_t paused = 0;
  std::string raised;
  const sluice_record* errant = nullptr;
  std::string errant_text;
  sluice_field offset{{"position", 8}, SLUICE_FIELD_INT64, 0, {.i = 42}};
};

sluice_str s(std::string_view v) {
  return str_of(v);
}

std::unique_ptr<HostContext> context(ContextRole role, InstanceListener* l,
                                     data::SchemaRegistry* schemas = nullptr, int32_t task = 0) {
  auto ctx = make_context({"files", task, "127.0.0.1:8083", "com.example.File"}, l, schemas);
  ctx->set_role(role);
  return ctx;
}

TEST(HostApiTest, TableIsAbi10) {
  const sluice_host_api* api = host_api();
  EXPECT_EQ(api->abi_major, SLUICE_ABI_MAJOR);
  EXPECT_EQ(api->abi_minor, SLUICE_ABI_MINOR);
  EXPECT_GE(api->struct_size, SLUICE_HOST_API_V1_0_SIZE);
  EXPECT_NE(api->report_errant, nullptr);
}

TEST(HostApiTest, SetErrorLastWinsAndOnlyInsideAHook) {
  RecordingListener l;
  auto ctx = context(ContextRole::kSourceTask, &l);
  host_api()->set_error(ctx.get(), s("outside"));  // ignored: no hook runs
  EXPECT_FALSE(ctx->has_error());
  {
    HookScope scope(*ctx, "poll");
    host_api()->set_error(ctx.get(), s("first"));
    host_api()->set_error(ctx.get(), s("second"));
    // From another thread: not the hook thread, ignored.
    std::thread([&] { host_api()->set_error(ctx.get(), s("other thread")); }).join();
  }
  EXPECT_EQ(ctx->take_error(), "second");
  EXPECT_FALSE(ctx->has_error());
  // A new hook starts with an empty slot.
  {
    HookScope scope(*ctx, "poll");
    EXPECT_FALSE(ctx->has_error());
  }
  host_api()->set_error(nullptr, s("no ctx"));  // must not crash
}

TEST(HostApiTest, ConfigErrorOnlyInsideValidate) {
  auto ctx = context(ContextRole::kSourceConnector, nullptr, nullptr, -1);
  EXPECT_EQ(host_api()->config_error(ctx.get(), s("topic"), s("bad")), SLUICE_ERR_ILLEGAL_STATE);
  {
    HookScope scope(*ctx, "start");
    EXPECT_EQ(host_api()->config_error(ctx.get(), s("topic"), s("bad")), SLUICE_ERR_ILLEGAL_STATE);
  }
  ctx->begin_validate();
  {
    HookScope scope(*ctx, "validate");
    EXPECT_EQ(host_api()->config_error(ctx.get(), s("topic"), s("must be set")), SLUICE_OK);
    EXPECT_EQ(host_api()->config_error(ctx.get(), sluice_str{nullptr, 3}, s("x")),
              SLUICE_ERR_INVALID_ARGUMENT);
  }
  auto errors = ctx->take_key_errors();
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], KeyError("topic", "must be set"));
  EXPECT_EQ(host_api()->config_error(nullptr, s("a"), s("b")), SLUICE_ERR_INVALID_ARGUMENT);
}

TEST(HostApiTest, ReportErrantOnlyInsidePutWithARecordOfTheBatch) {
  RecordingListener l;
  auto ctx = context(ContextRole::kSinkTask, &l);
  sluice_record records[3] = {};
  sluice_record_batch batch{records, 3, sizeof(sluice_record)};
  EXPECT_EQ(host_api()->report_errant(ctx.get(), &records[1], s("bad")), SLUICE_ERR_ILLEGAL_STATE);
  {
    HookScope scope(*ctx, "flush");
    ctx->set_current_batch(&batch);
    EXPECT_EQ(host_api()->report_errant(ctx.get(), &records[1], s("bad")),
              SLUICE_ERR_ILLEGAL_STATE);
    ctx->set_current_batch(nullptr);
  }
  ctx->set_current_batch(&batch);
  {
    HookScope scope(*ctx, "put");
    sluice_record elsewhere{};
    EXPECT_EQ(host_api()->report_errant(ctx.get(), &elsewhere, s("bad")),
              SLUICE_ERR_INVALID_ARGUMENT);
    const auto* misaligned =
        reinterpret_cast<const sluice_record*>(reinterpret_cast<const char*>(records) + 8);
    EXPECT_EQ(host_api()->report_errant(ctx.get(), misaligned, s("bad")),
              SLUICE_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(host_api()->report_errant(ctx.get(), nullptr, s("bad")), SLUICE_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(host_api()->report_errant(ctx.get(), &records[2], s("bad value")), SLUICE_OK);
  }
  EXPECT_EQ(l.errant, &records[2]);
  EXPECT_EQ(l.errant_text, "bad value");
  // A source task may not report errant records.
  auto source = context(ContextRole::kSourceTask, &l);
  HookScope scope(*source, "put");
  EXPECT_EQ(host_api()->report_errant(source.get(), &records[0], s("bad")),
            SLUICE_ERR_ILLEGAL_STATE);
}

TEST(HostApiTest, ErrantWithToleranceNoneFailsWithTheListenersText) {
  InstanceListener base;  // default: errors.tolerance=none
  auto ctx = context(ContextRole::kSinkTask, &base);
  sluice_record records[1] = {};
  sluice_record_batch batch{records, 1, sizeof(sluice_record)};
  ctx->set_current_batch(&batch);
  HookScope scope(*ctx, "put");
  EXPECT_EQ(host_api()->report_errant(ctx.get(), &records[0], s("nope")), SLUICE_ERR_FAILED);
  EXPECT_NE(ctx->take_error().find("nope"), std::string::npos);
}

TEST(HostApiTest, RolesDecideWhoMayCallWhat) {
  RecordingListener l;
  auto connector = context(ContextRole::kSinkConnector, &l, nullptr, -1);
  auto sink_task = context(ContextRole::kSinkTask, &l);
  auto source_task = context(ContextRole::kSourceTask, &l);
  // Any-thread functions: right role from another thread works; wrong role is ignored.
  std::thread([&] {
    host_api()->request_task_reconfiguration(connector.get());
    host_api()->raise_error(connector.get(), s("upstream gone"));
    host_api()->request_commit(sink_task.get());
    host_api()->request_task_reconfiguration(sink_task.get());  // ignored
    host_api()->request_commit(source_task.get());              // ignored
    host_api()->raise_error(source_task.get(), s("ignored"));   // ignored
  }).join();
  EXPECT_EQ(l.reconfigurations, 1);
  EXPECT_EQ(l.raised, "upstream gone");
  EXPECT_EQ(l.commits, 1);

  sluice_topic_partition tp{s("lines"), 0, 0};
  {
    HookScope scope(*source_task, "poll");
    EXPECT_EQ(host_api()->pause(source_task.get(), &tp, 1), SLUICE_ERR_ILLEGAL_STATE);
  }
  EXPECT_EQ(host_api()->pause(sink_task.get(), &tp, 1), SLUICE_ERR_ILLEGAL_STATE);  // no hook
  {
    HookScope scope(*sink_task, "put");
    EXPECT_EQ(host_api()->pause(sink_task.get(), &tp, 1), SLUICE_OK);
    EXPECT_EQ(host_api()->pause(sink_task.get(), nullptr, 1), SLUICE_ERR_INVALID_ARGUMENT);
    // The base listener has no resume: UNSUPPORTED with its text in the slot.
    EXPECT_EQ(host_api()->resume(sink_task.get(), &tp, 1), SLUICE_ERR_UNSUPPORTED);
    sluice_tp_offset bad{s("lines"), 0, 0, -5};
    EXPECT_EQ(host_api()->reset_offsets(sink_task.get(), &bad, 1), SLUICE_ERR_INVALID_ARGUMENT);
    EXPECT_EQ(host_api()->assignment(sink_task.get(), nullptr, nullptr),
              SLUICE_ERR_INVALID_ARGUMENT);
  }
  EXPECT_EQ(l.paused, 1u);
}

TEST(HostApiTest, OffsetGetIsLentFromTheListener) {
  RecordingListener l;
  auto task = context(ContextRole::kSourceTask, &l);
  sluice_field partition{s("file"), SLUICE_FIELD_STRING, 0, {.s = s("/tmp/x")}};
  const sluice_field* out = nullptr;
  uint32_t n = 0;
  EXPECT_EQ(host_api()->offset_get(task.get(), &partition, 1, &out, &n), SLUICE_ERR_ILLEGAL_STATE);
  HookScope scope(*task, "task_start");
  ASSERT_EQ(host_api()->offset_get(task.get(), &partition, 1, &out, &n), SLUICE_OK);
  ASSERT_EQ(n, 1u);
  EXPECT_EQ(out->v.i, 42);
  sluice_field other{s("other"), SLUICE_FIELD_STRING, 0, {.s = s("y")}};
  EXPECT_EQ(host_api()->offset_get(task.get(), &other, 1, &out, &n), SLUICE_ERR_NOT_FOUND);
  EXPECT_FALSE(task->has_error()) << "NOT_FOUND is normal and carries no text";
  EXPECT_EQ(host_api()->offset_get(task.get(), &partition, 1, nullptr, &n),
            SLUICE_ERR_INVALID_ARGUMENT);
}

TEST(HostApiTest, ContextInfoAndSchemas) {
  data::SchemaRegistry schemas;
  auto task = context(ContextRole::kSourceTask, nullptr, &schemas, 3);
  EXPECT_EQ(task->subject(), "task files-3");
  sluice_context_info info{};
  EXPECT_EQ(host_api()->context_info(task.get(), &info), SLUICE_ERR_ILLEGAL_STATE);
  HookScope scope(*task, "task_start");
  ASSERT_EQ(host_api()->context_info(task.get(), &info), SLUICE_OK);
  EXPECT_EQ(view_of(info.connector), "files");
  EXPECT_EQ(info.task, 3);
  EXPECT_EQ(view_of(info.worker_id), "127.0.0.1:8083");

  uint32_t id = 0;
  ASSERT_EQ(
      host_api()->schema_register(task.get(), s(R"({"type":"string","optional":false})"), &id),
      SLUICE_OK);
  EXPECT_GE(id, 1u);
  uint32_t again = 0;
  ASSERT_EQ(
      host_api()->schema_register(task.get(), s(R"({"type":"string","optional":false})"), &again),
      SLUICE_OK);
  EXPECT_EQ(again, id);
  sluice_str json{};
  ASSERT_EQ(host_api()->schema_get(task.get(), id, &json), SLUICE_OK);
  EXPECT_NE(view_of(json).find("string"), std::string_view::npos);
  EXPECT_EQ(host_api()->schema_get(task.get(), 999, &json), SLUICE_ERR_NOT_FOUND);
  EXPECT_EQ(host_api()->schema_register(task.get(), s("{not json"), &id),
            SLUICE_ERR_INVALID_ARGUMENT);
  EXPECT_TRUE(task->has_error()) << "a bad schema explains itself";

  auto no_registry = context(ContextRole::kSourceConnector, nullptr, nullptr, -1);
  EXPECT_EQ(no_registry->subject(), "connector files");
  HookScope scope2(*no_registry, "start");
  EXPECT_EQ(host_api()->schema_register(no_registry.get(), s("{}"), &id), SLUICE_ERR_ILLEGAL_STATE);
}

TEST(HostApiTest, StatusMappings) {
  EXPECT_EQ(abi_status_name(SLUICE_ERR_RETRIABLE), "RETRIABLE");
  EXPECT_EQ(abi_status_name(42), "FAILED");
  EXPECT_EQ(abi_status_code(SLUICE_ERR_RETRIABLE), StatusCode::kUnavailable);
  EXPECT_EQ(abi_status_code(SLUICE_ERR_CONFIG), StatusCode::kInvalidArgument);
  EXPECT_EQ(abi_status_code(SLUICE_ERR_EXCEPTION), StatusCode::kInternal);
  EXPECT_EQ(abi_status_code(-7), StatusCode::kInternal);
  EXPECT_EQ(abi_status_from(Status::not_found("x")), SLUICE_ERR_NOT_FOUND);
  EXPECT_EQ(abi_status_from(Status::io_error("x")), SLUICE_ERR_FAILED);
}

}  // namespace
}  // namespace sluice::plugin
