// Records crossing the boundary, C++ side: sluice::SourceRecord (built by a source task into
// storage the SDK reuses from poll to poll), sluice::SourceRecordBatch, the read-only
// sluice::SinkRecord view a sink task's put receives, and small value types for topic-partitions,
// offsets and delivery metadata.
#ifndef SLUICE_SDK_RECORDS_H_
#define SLUICE_SDK_RECORDS_H_

#include <sluice/plugin_abi.h>
#include <sluice/sdk/fields.h>
#include <sluice/sdk/host.h>
#include <sluice/sdk/tape.h>

#include <compare>
#include <cstdint>
#include <cstring>
#include <deque>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  friend auto operator<=>(const TopicPartition&, const TopicPartition&) = default;
};

// `offset` is the next offset to consume (Kafka's convention).
struct TopicPartitionOffset {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  friend auto operator<=>(const TopicPartitionOffset&, const TopicPartitionOffset&) = default;
};

// Where a source record was written (commit_record). `topic` is borrowed for the call.
struct RecordMetadata {
  std::string_view topic;
  int32_t partition = 0;
  int64_t offset = 0;
  int64_t timestamp_ms = -1;
};

enum class TimestampType : int32_t { kNone = 0, kCreateTime = 1, kLogAppendTime = 2 };

namespace sdk_detail {

// One key, value or header value of a SourceRecord: null, bytes, string or a typed tape.
class DataSlot {
 public:
  void set_null() noexcept { form_ = SLUICE_FORM_NULL; }
  void set_string(std::string_view text) {
    form_ = SLUICE_FORM_STRING;
    bytes_.assign(text.data(), text.size());
  }
  void set_bytes(const void* data, size_t size) {
    form_ = SLUICE_FORM_BYTES;
    bytes_.assign(static_cast<const char*>(data), size);
  }
  TapeBuilder& set_typed(uint32_t schema_id) {
    form_ = SLUICE_FORM_TYPED;
    schema_id_ = schema_id;
    tape_.clear();
    return tape_;
  }
  [[nodiscard]] uint32_t form() const noexcept { return form_; }

  // The ABI view; valid until this slot changes. Throws std::logic_error for an unfinished tape.
  [[nodiscard]] sluice_data to_abi() {
    sluice_data d{};
    d.form = form_;
    if (form_ == SLUICE_FORM_STRING || form_ == SLUICE_FORM_BYTES) {
      // A non-null pointer even for an empty text: empty, not null.
      d.bytes.ptr = reinterpret_cast<const uint8_t*>(bytes_.data());
      d.bytes.len = bytes_.size();
    } else if (form_ == SLUICE_FORM_TYPED) {
      std::span<const sluice_value> nodes = tape_.nodes();
      d.schema_id = schema_id_;
      d.nodes = nodes.data();
      d.node_count = nodes.size();
    }
    return d;
  }

 private:
  uint32_t form_ = SLUICE_FORM_NULL;
  uint32_t schema_id_ = 0;
  std::string bytes_;
  TapeBuilder tape_;
};

}  // namespace sdk_detail

// A record a source task emits. Obtain one from SourceRecordBatch::add() and fill it; setters
// chain. Storage is reused between polls (clear() keeps capacity), so a steady-state task does
// not allocate per record. Key and value each take one form: null (the default), string, bytes or
// typed (fill the returned TapeBuilder with a value of the registered schema; schema id 0 =
// schemaless). The source partition/offset are Fields; leave them empty for no offset tracking.
class SourceRecord {
 public:
  SourceRecord& topic(std::string_view name) {
    topic_.assign(name.data(), name.size());
    return *this;
  }
  // -1 (the default) lets the producer's partitioner choose.
  SourceRecord& partition(int32_t partition) {
    partition_ = partition;
    return *this;
  }
  // Milliseconds since the epoch; -1 (the default) lets the producer stamp the record.
  SourceRecord& timestamp_ms(int64_t ms) {
    timestamp_ms_ = ms;
    return *this;
  }

  SourceRecord& key_null() {
    key_.set_null();
    return *this;
  }
  SourceRecord& key_string(std::string_view text) {
    key_.set_string(text);
    return *this;
  }
  SourceRecord& key_bytes(std::string_view bytes) {
    key_.set_bytes(bytes.data(), bytes.size());
    return *this;
  }
  SourceRecord& key_bytes(std::span<const uint8_t> bytes) {
    key_.set_bytes(bytes.data(), bytes.size());
    return *this;
  }
  [[nodiscard]] TapeBuilder& key_typed(uint32_t schema_id) { return key_.set_typed(schema_id); }

  SourceRecord& value_null() {
    value_.set_null();
    return *this;
  }
  SourceRecord& value_string(std::string_view text) {
    value_.set_string(text);
    return *this;
  }
  SourceRecord& value_bytes(std::string_view bytes) {
    value_.set_bytes(bytes.data(), bytes.size());
    return *this;
  }
  SourceRecord& value_bytes(std::span<const uint8_t> bytes) {
    value_.set_bytes(bytes.data(), bytes.size());
    return *this;
  }
  [[nodiscard]] TapeBuilder& value_typed(uint32_t schema_id) { return value_.set_typed(schema_id); }

  // Headers are appended (a key may repeat, as in Kafka).
  SourceRecord& header_string(std::string_view key, std::string_view text) {
    next_header(key).set_string(text);
    return *this;
  }
  SourceRecord& header_bytes(std::string_view key, std::string_view bytes) {
    next_header(key).set_bytes(bytes.data(), bytes.size());
    return *this;
  }
  SourceRecord& header_null(std::string_view key) {
    next_header(key).set_null();
    return *this;
  }
  [[nodiscard]] TapeBuilder& header_typed(std::string_view key, uint32_t schema_id) {
    return next_header(key).set_typed(schema_id);
  }

  [[nodiscard]] Fields& source_partition() noexcept { return source_partition_; }
  [[nodiscard]] Fields& source_offset() noexcept { return source_offset_; }
  SourceRecord& source_partition(const Fields& fields) {
    source_partition_ = fields;
    return *this;
  }
  SourceRecord& source_offset(const Fields& fields) {
    source_offset_ = fields;
    return *this;
  }
  // Returned to SourceTask::commit_record for this record.
  SourceRecord& cookie(uint64_t value) {
    cookie_ = value;
    return *this;
  }

  [[nodiscard]] std::string_view topic() const noexcept { return topic_; }
  [[nodiscard]] const Fields& source_partition() const noexcept { return source_partition_; }
  [[nodiscard]] const Fields& source_offset() const noexcept { return source_offset_; }

  // Back to the defaults (no topic, partition -1, no timestamp, null key/value, no headers,
  // empty partition/offset, cookie 0), keeping the storage.
  void clear() noexcept {
    topic_.clear();
    partition_ = -1;
    timestamp_ms_ = -1;
    key_.set_null();
    value_.set_null();
    header_count_ = 0;
    source_partition_.clear();
    source_offset_.clear();
    cookie_ = 0;
  }

  // The ABI form; its views point into this record and are valid until it changes. Throws
  // std::logic_error if the topic is empty or a typed value is unfinished.
  [[nodiscard]] sluice_record to_abi() {
    if (topic_.empty()) throw std::logic_error("source record without a topic");
    sluice_record r{};
    r.topic = sdk_detail::to_str(topic_);
    r.partition = partition_;
    r.timestamp_ms = timestamp_ms_;
    r.offset = -1;
    r.key = key_.to_abi();
    r.value = value_.to_abi();
    abi_headers_.resize(header_count_);
    for (size_t i = 0; i < header_count_; ++i) {
      abi_headers_[i].key = sdk_detail::to_str(headers_[i].key);
      abi_headers_[i].value = headers_[i].value.to_abi();
    }
    r.headers = header_count_ ? abi_headers_.data() : nullptr;
    r.header_count = static_cast<uint32_t>(header_count_);
    source_partition_.to_abi(abi_partition_);
    source_offset_.to_abi(abi_offset_);
    r.source_partition = abi_partition_.empty() ? nullptr : abi_partition_.data();
    r.source_partition_count = static_cast<uint32_t>(abi_partition_.size());
    r.source_offset = abi_offset_.empty() ? nullptr : abi_offset_.data();
    r.source_offset_count = static_cast<uint32_t>(abi_offset_.size());
    r.cookie = cookie_;
    return r;
  }

 private:
  struct Header {
    std::string key;
    sdk_detail::DataSlot value;
  };
  sdk_detail::DataSlot& next_header(std::string_view key) {
    if (header_count_ == headers_.size()) headers_.emplace_back();
    Header& h = headers_[header_count_++];
    h.key.assign(key.data(), key.size());
    return h.value;
  }

  std::string topic_;
  int32_t partition_ = -1;
  int64_t timestamp_ms_ = -1;
  sdk_detail::DataSlot key_;
  sdk_detail::DataSlot value_;
  std::deque<Header> headers_;  // [0, header_count_) in use
  size_t header_count_ = 0;
  Fields source_partition_;
  Fields source_offset_;
  uint64_t cookie_ = 0;
  std::vector<sluice_header> abi_headers_;
  std::vector<sluice_field> abi_partition_;
  std::vector<sluice_field> abi_offset_;
};

// The records one poll returns. add() hands out a cleared record whose storage is reused from the
// previous polls; references stay valid until the batch is cleared (the SDK clears it before
// each poll).
class SourceRecordBatch {
 public:
  [[nodiscard]] SourceRecord& add() {
    if (size_ == records_.size()) records_.emplace_back();
    SourceRecord& r = records_[size_++];
    r.clear();
    return r;
  }
  [[nodiscard]] size_t size() const noexcept { return size_; }
  [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
  [[nodiscard]] SourceRecord& operator[](size_t i) {
    if (i >= size_) throw std::out_of_range("source record batch index out of range");
    return records_[i];
  }
  void clear() noexcept { size_ = 0; }

 private:
  std::deque<SourceRecord> records_;  // [0, size_) in use, the rest kept for reuse
  size_t size_ = 0;
};

// A read-only view of a key, value or header value (a sluice_data). Borrowed like its record.
class DataView {
 public:
  DataView() = default;
  explicit DataView(const sluice_data& data) : data_(&data) {}

  [[nodiscard]] uint32_t form() const noexcept { return data_ ? data_->form : SLUICE_FORM_NULL; }
  // True for the NULL form and for a typed value whose root is a null node.
  [[nodiscard]] bool is_null() const noexcept {
    if (form() == SLUICE_FORM_NULL) return true;
    if (form() == SLUICE_FORM_TYPED)
      return data_->node_count == 0 || data_->nodes[0].type == SLUICE_VALUE_NULL;
    return false;
  }
  [[nodiscard]] uint32_t schema_id() const noexcept { return data_ ? data_->schema_id : 0; }
  // The text/bytes of a STRING or BYTES form, or of a typed STRING/BYTES root; empty for null.
  // Throws std::logic_error for another typed value.
  [[nodiscard]] std::string_view as_string_view() const {
    switch (form()) {
      case SLUICE_FORM_NULL:
        return {};
      case SLUICE_FORM_STRING:
      case SLUICE_FORM_BYTES:
        return std::string_view(reinterpret_cast<const char*>(data_->bytes.ptr), data_->bytes.len);
      default:
        if (is_null()) return {};
        return typed().as_string();
    }
  }
  // A reader at the root of a TYPED value (an invalid reader for the other forms).
  [[nodiscard]] ValueReader typed() const {
    if (form() != SLUICE_FORM_TYPED) return ValueReader();
    return ValueReader(data_->nodes, data_->node_count);
  }
  [[nodiscard]] const sluice_data* raw() const noexcept { return data_; }

 private:
  const sluice_data* data_ = nullptr;
};

// A record as a sink task receives it in put: a view over the host's sluice_record, valid only
// during that put (copy what you keep).
class SinkRecord {
 public:
  // `record` is what the SDK reads (at least the 1.0 layout); `origin` is the record's address in
  // the host's batch, needed to report it as errant (the same pointer unless the host's record
  // was shorter than 1.0 and had to be widened).
  SinkRecord(const sluice_record* record, const sluice_record* origin) noexcept
      : record_(record), origin_(origin) {}
  explicit SinkRecord(const sluice_record* record) noexcept : SinkRecord(record, record) {}

  [[nodiscard]] std::string_view topic() const noexcept {
    return sdk_detail::from_str(record_->topic);
  }
  [[nodiscard]] int32_t partition() const noexcept { return record_->partition; }
  [[nodiscard]] int64_t offset() const noexcept { return record_->offset; }
  [[nodiscard]] int64_t timestamp_ms() const noexcept { return record_->timestamp_ms; }
  [[nodiscard]] TimestampType timestamp_type() const noexcept {
    return static_cast<TimestampType>(record_->timestamp_type);
  }
  [[nodiscard]] DataView key() const noexcept { return DataView(record_->key); }
  [[nodiscard]] DataView value() const noexcept { return DataView(record_->value); }
  [[nodiscard]] size_t header_count() const noexcept {
    return record_->headers ? record_->header_count : 0;
  }
  [[nodiscard]] std::string_view header_key(size_t i) const {
    return sdk_detail::from_str(header_at(i).key);
  }
  [[nodiscard]] DataView header_value(size_t i) const { return DataView(header_at(i).value); }
  [[nodiscard]] const sluice_record& raw() const noexcept { return *record_; }
  [[nodiscard]] const sluice_record* origin() const noexcept { return origin_; }

 private:
  const sluice_header& header_at(size_t i) const {
    if (i >= header_count()) throw std::out_of_range("sink record header index out of range");
    return record_->headers[i];
  }
  const sluice_record* record_;
  const sluice_record* origin_;
};

}  // namespace sluice

#endif  // SLUICE_SDK_RECORDS_H_
