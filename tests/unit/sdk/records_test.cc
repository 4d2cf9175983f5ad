// Source records on the way out: lent topics, keys, values and header values reach the ABI as the
// very bytes the task lent (no copy), copied ones are owned by the record, a batch's ABI form
// packs every record's fields and headers into shared arrays, and a steady-state poll through the
// SDK's hook allocates nothing (counted with a replaced global operator new).
#include <gtest/gtest.h>

#include <sluice/sdk.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tests/unit/sdk/allocation_counter.h"
#include "tests/unit/sdk/fake_host.h"

namespace sluice::sdk_test {
namespace {

using testing_alloc::AllocationCount;

std::string_view bytes_of(const sluice_data& d) {
  return std::string_view(reinterpret_cast<const char*>(d.bytes.ptr), d.bytes.len);
}

TEST(SourceRecordTest, LentViewsReachTheAbiWithoutACopy) {
  std::string buffer = "topic-a|key|value|header";
  std::string_view all(buffer);
  SourceRecordBatch batch;
  SourceRecord& r = batch.add()
                        .topic_lent(all.substr(0, 7))
                        .key_string_lent(all.substr(8, 3))
                        .value_bytes_lent(all.substr(12, 5))
                        .header_string_lent("h", all.substr(18));
  EXPECT_EQ(r.topic(), "topic-a");
  EXPECT_EQ(r.key_bytes(), "key");
  EXPECT_EQ(r.value_form(), static_cast<uint32_t>(SLUICE_FORM_BYTES));
  EXPECT_EQ(r.value_bytes().data(), buffer.data() + 12);

  const sluice_record& abi = batch.to_abi()[0];
  EXPECT_EQ(abi.topic.ptr, buffer.data());
  EXPECT_EQ(abi.key.form, static_cast<uint32_t>(SLUICE_FORM_STRING));
  EXPECT_EQ(reinterpret_cast<const char*>(abi.key.bytes.ptr), buffer.data() + 8);
  EXPECT_EQ(abi.value.form, static_cast<uint32_t>(SLUICE_FORM_BYTES));
  EXPECT_EQ(bytes_of(abi.value), "value");
  ASSERT_EQ(abi.header_count, 1u);
  EXPECT_EQ(reinterpret_cast<const char*>(abi.headers[0].value.bytes.ptr), buffer.data() + 18);

  buffer[12] = 'V';  // a view, not a copy: the change shows through
  EXPECT_EQ(bytes_of(abi.value), "Value");
}

TEST(SourceRecordTest, CopiedAndLentFormsReplaceEachOther) {
  std::string lent = "lent text";
  SourceRecordBatch batch;
  SourceRecord& r = batch.add().topic("t").value_string_lent(lent);
  r.value_string("own");
  lent.assign("changed!!");  // the record no longer looks at it
  EXPECT_EQ(bytes_of(batch.to_abi()[0].value), "own");

  r.value_string_lent(lent).key_bytes_lent(std::span<const uint8_t>());
  const sluice_record& abi = batch.to_abi()[0];
  EXPECT_EQ(reinterpret_cast<const char*>(abi.value.bytes.ptr), lent.data());
  // An empty lent view without memory is still empty, not null.
  EXPECT_EQ(abi.key.form, static_cast<uint32_t>(SLUICE_FORM_BYTES));
  EXPECT_NE(abi.key.bytes.ptr, nullptr);
  EXPECT_EQ(abi.key.bytes.len, 0u);

  std::string topic = "lent-topic";
  r.topic_lent(topic);
  EXPECT_EQ(batch.to_abi()[0].topic.ptr, topic.data());
  r.topic("copied");
  EXPECT_NE(batch.to_abi()[0].topic.ptr, topic.data());
  EXPECT_EQ(sdk_detail::from_str(batch.to_abi()[0].topic), "copied");

  batch.clear();
  SourceRecord& again = batch.add();
  EXPECT_EQ(again.topic(), "");  // clear() forgets the lent views too
  EXPECT_EQ(again.value_form(), static_cast<uint32_t>(SLUICE_FORM_NULL));
  EXPECT_EQ(again.value_bytes(), "");
  EXPECT_THROW((void)batch.to_abi(), std::logic_error);  // no topic
}

TEST(SourceRecordTest, BatchAbiPacksFieldsAndHeadersPerRecord) {
  SourceRecordBatch batch;
  for (int round = 0; round < 2; ++round) {  // the second round reuses every array
    batch.clear();
    SourceRecord& a = batch.add().topic("t").value_string("a");
    a.source_partition().set_string("file", "x.txt");
    a.source_offset().set("position", 10).set("line", 1);
    a.header_string("h1", "1").header_string("h2", "2");
    (void)batch.add().topic("t").value_string("b");  // no offsets, no headers
    SourceRecord& c = batch.add().topic("t").value_string("c");
    c.source_partition().set_string("file", "y.txt");
    c.source_offset().set("position", 20);
    c.header_null("h3");

    std::span<const sluice_record> abi = batch.to_abi();
    ASSERT_EQ(abi.size(), 3u);
    EXPECT_EQ(Fields::from_abi(abi[0].source_partition, abi[0].source_partition_count),
              (Fields{{"file", "x.txt"}}));
    EXPECT_EQ(Fields::from_abi(abi[0].source_offset, abi[0].source_offset_count),
              (Fields{{"position", 10}, {"line", 1}}));
    ASSERT_EQ(abi[0].header_count, 2u);
    EXPECT_EQ(sdk_detail::from_str(abi[0].headers[1].key), "h2");
    EXPECT_EQ(bytes_of(abi[0].headers[1].value), "2");
    EXPECT_EQ(abi[1].source_partition, nullptr);
    EXPECT_EQ(abi[1].source_offset, nullptr);
    EXPECT_EQ(abi[1].headers, nullptr);
    EXPECT_EQ(abi[1].header_count, 0u);
    EXPECT_EQ(Fields::from_abi(abi[2].source_partition, abi[2].source_partition_count),
              (Fields{{"file", "y.txt"}}));
    EXPECT_EQ(Fields::from_abi(abi[2].source_offset, abi[2].source_offset_count),
              (Fields{{"position", 20}}));
    ASSERT_EQ(abi[2].header_count, 1u);
    EXPECT_EQ(sdk_detail::from_str(abi[2].headers[0].key), "h3");
    EXPECT_EQ(abi[2].headers[0].value.form, static_cast<uint32_t>(SLUICE_FORM_NULL));
    EXPECT_EQ(bytes_of(abi[2].value), "c");
  }
}

TEST(SourceRecordTest, LentPartitionIsSharedAndCopiedOnWrite) {
  Fields file_a{{"file", "a.txt"}};
  Fields file_b{{"file", "b.txt"}};
  SourceRecordBatch batch;
  for (const Fields* p : {&file_a, &file_a, &file_b, &file_a}) {
    SourceRecord& r = batch.add().topic("t").source_partition_lent(*p);
    r.source_offset().set("position", static_cast<int64_t>(batch.size()));
  }
  std::span<const sluice_record> abi = batch.to_abi();
  ASSERT_EQ(abi.size(), 4u);
  EXPECT_EQ(abi[1].source_partition, abi[0].source_partition);  // one array for a run
  EXPECT_NE(abi[2].source_partition, abi[1].source_partition);
  EXPECT_NE(abi[3].source_partition, abi[2].source_partition);
  const Fields* expected[] = {&file_a, &file_a, &file_b, &file_a};
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(Fields::from_abi(abi[i].source_partition, abi[i].source_partition_count),
              *expected[i]);
    EXPECT_EQ(Fields::from_abi(abi[i].source_offset, abi[i].source_offset_count),
              (Fields{{"position", static_cast<int64_t>(i + 1)}}));
  }
  EXPECT_EQ(std::as_const(batch[0]).source_partition(), file_a);

  // Writing through the mutable accessor copies first and leaves the lent Fields alone.
  batch[1].source_partition().set("line", 7);
  EXPECT_EQ(file_a, (Fields{{"file", "a.txt"}}));
  abi = batch.to_abi();
  EXPECT_EQ(Fields::from_abi(abi[1].source_partition, abi[1].source_partition_count),
            (Fields{{"file", "a.txt"}, {"line", 7}}));
  EXPECT_EQ(Fields::from_abi(abi[0].source_partition, abi[0].source_partition_count), file_a);

  batch.clear();  // clear() drops the loan
  EXPECT_TRUE(std::as_const(batch.add()).source_partition().empty());
}

TEST(SourceRecordTest, FieldsIntoAShortArrayThrow) {
  Fields f{{"a", 1}, {"b", 2}};
  sluice_field one[1];
  EXPECT_THROW(f.to_abi(std::span<sluice_field>(one, 1)), std::length_error);
}

// Emits `kLines` records per poll: lent topic and value (views into a buffer it owns, like a
// line reader), a copied key, and a source partition and offset on every record.
class LendingTask : public SourceTask {
 public:
  static constexpr int kLines = 300;
  void start(const Config& config) override {
    topic_ = config.get_string("topic");
    buffer_.assign(kLines * 100, 'x');
  }
  void poll(uint32_t, SourceRecordBatch& batch) override {
    for (int i = 0; i < kLines; ++i) {
      std::string_view line = std::string_view(buffer_).substr(size_t(i) * 100, 99);
      SourceRecord& r =
          batch.add().topic_lent(topic_).key_string("key-0001").value_string_lent(line);
      r.source_partition().set_string("file", "/data/input.txt");
      r.source_offset().set("position", position_ += 100);
    }
  }

 private:
  std::string topic_;
  std::string buffer_;
  int64_t position_ = 0;
};

class LendingConnector : public SourceConnector {
 public:
  void start(const Config&) override {}
  std::vector<TaskConfig> task_configs(uint32_t) override { return {{}}; }
};

TEST(SourceRecordTest, SteadyStatePollDoesNotAllocate) {
  FakeHost host;
  const auto& hooks = sdk_detail::kSourceHooks<LendingConnector, LendingTask>;
  sluice_task* task = nullptr;
  ASSERT_EQ(hooks.task_create(host.ctx(), &task), SLUICE_OK);
  RawConfig config{{"topic", "lines"}};
  ASSERT_EQ(hooks.task_start(task, config.get()), SLUICE_OK);

  std::vector<size_t> allocations;
  for (int poll = 0; poll < 4; ++poll) {
    sluice_record_batch batch{};
    {
      AllocationCount count;
      ASSERT_EQ(hooks.poll(task, 10, &batch), SLUICE_OK);
      allocations.push_back(count.so_far());
    }
    ASSERT_EQ(batch.count, static_cast<uint32_t>(LendingTask::kLines));
    const sluice_record& last = batch.records[batch.count - 1];
    EXPECT_EQ(sdk_detail::from_str(last.topic), "lines");
    EXPECT_EQ(bytes_of(last.value), std::string(99, 'x'));
    EXPECT_EQ(bytes_of(last.key), "key-0001");
    EXPECT_EQ(Fields::from_abi(last.source_offset, last.source_offset_count),
              (Fields{{"position", (poll + 1) * LendingTask::kLines * 100}}));
  }
  EXPECT_GT(allocations[0], 0u);  // the first poll builds the storage (and the counter works)
  EXPECT_EQ(allocations[1], 0u);
  EXPECT_EQ(allocations[2], 0u);
  EXPECT_EQ(allocations[3], 0u);
  ASSERT_EQ(hooks.task_stop(task), SLUICE_OK);
  hooks.task_destroy(task);
}

}  // namespace
}  // namespace sluice::sdk_test
