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
#include <utility>
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

// One key, value or header value of a SourceRecord: null, bytes, string or a typed tape. Bytes
// and strings are either copied into the slot (reusing its capacity) or lent: only the view is
// kept, and the caller keeps the memory valid (see SourceRecord's "lent" setters).
class DataSlot {
 public:
  void set_null() noexcept { form_ = SLUICE_FORM_NULL; }
  void set_string(std::string_view text) { copy(SLUICE_FORM_STRING, text.data(), text.size()); }
  void set_bytes(const void* data, size_t size) { copy(SLUICE_FORM_BYTES, data, size); }
  void set_string_lent(std::string_view text) noexcept {
    lend(SLUICE_FORM_STRING, text.data(), text.size());
  }
  void set_bytes_lent(const void* data, size_t size) noexcept {
    lend(SLUICE_FORM_BYTES, data, size);
  }
  TapeBuilder& set_typed(uint32_t schema_id) {
    form_ = SLUICE_FORM_TYPED;
    schema_id_ = schema_id;
    tape_.clear();
    return tape_;
  }
  [[nodiscard]] uint32_t form() const noexcept { return form_; }
  // The text or bytes of a STRING/BYTES slot (copied or lent); empty for the other forms.
  [[nodiscard]] std::string_view bytes() const noexcept {
    if (form_ != SLUICE_FORM_STRING && form_ != SLUICE_FORM_BYTES) return {};
    return lent_ ? std::string_view(lent_ptr_, lent_len_) : std::string_view(bytes_);
  }

  // Writes the ABI view into `d`; it points into this slot (or at the lent memory) and is valid
  // until the slot changes. Throws std::logic_error for an unfinished tape.
  void fill_abi(sluice_data& d) {
    d = sluice_data{};
    d.form = form_;
    if (form_ == SLUICE_FORM_STRING || form_ == SLUICE_FORM_BYTES) {
      std::string_view b = bytes();
      // A non-null pointer even for an empty text: empty, not null.
      d.bytes.ptr = reinterpret_cast<const uint8_t*>(b.data() != nullptr ? b.data() : "");
      d.bytes.len = b.size();
    } else if (form_ == SLUICE_FORM_TYPED) {
      std::span<const sluice_value> nodes = tape_.nodes();
      d.schema_id = schema_id_;
      d.nodes = nodes.data();
      d.node_count = nodes.size();
    }
  }

 private:
  void copy(uint32_t form, const void* data, size_t size) {
    form_ = form;
    lent_ = false;
    bytes_.assign(static_cast<const char*>(data), size);
  }
  void lend(uint32_t form, const void* data, size_t size) noexcept {
    form_ = form;
    lent_ = true;
    lent_ptr_ = static_cast<const char*>(data);
    lent_len_ = size;
  }

  uint32_t form_ = SLUICE_FORM_NULL;
  uint32_t schema_id_ = 0;
  bool lent_ = false;  // STRING/BYTES: lent_ptr_/lent_len_ hold the value, not bytes_
  const char* lent_ptr_ = nullptr;
  size_t lent_len_ = 0;
  std::string bytes_;
  TapeBuilder tape_;
};

}  // namespace sdk_detail

// A record a source task emits. Obtain one from SourceRecordBatch::add() and fill it; setters
// chain. Storage is reused between polls (clear() keeps capacity), so a steady-state task does
// not allocate per record. Key and value each take one form: null (the default), string, bytes or
// typed (fill the returned TapeBuilder with a value of the registered schema; schema id 0 =
// schemaless). The source partition/offset are Fields; leave them empty for no offset tracking.
//
// Copied or lent. topic(), key_string(), value_bytes() etc. copy their argument into the record.
// The *_lent setters (topic_lent, key_string_lent, key_bytes_lent, value_string_lent,
// value_bytes_lent, header_string_lent, header_bytes_lent, and source_partition_lent for a
// whole Fields) keep only the view: no copy, and the
// task promises that the memory stays valid and unchanged until the SDK is done with the batch,
// which is when the task's next poll() is entered or its stop() is called, whichever comes first
// (the host reads a batch after poll returns and before it calls poll or task_stop again;
// plugin-abi.md §8.2). Inside that next poll() or stop() the memory may be reused. A lent view
// is not owned by the record: setting the same slot again (copied or lent) simply drops it.
// Typical use: lines that are views into the task's read buffer, released at the start of poll.
class SourceRecord {
 public:
  SourceRecord& topic(std::string_view name) {
    topic_.assign(name.data(), name.size());
    topic_view_ = {};
    topic_lent_ = false;
    return *this;
  }
  // The topic name is lent (see above); e.g. a std::string member set in start().
  SourceRecord& topic_lent(std::string_view name) noexcept {
    topic_view_ = name;
    topic_lent_ = true;
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
  SourceRecord& key_string_lent(std::string_view text) noexcept {
    key_.set_string_lent(text);
    return *this;
  }
  SourceRecord& key_bytes_lent(std::string_view bytes) noexcept {
    key_.set_bytes_lent(bytes.data(), bytes.size());
    return *this;
  }
  SourceRecord& key_bytes_lent(std::span<const uint8_t> bytes) noexcept {
    key_.set_bytes_lent(bytes.data(), bytes.size());
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
  SourceRecord& value_string_lent(std::string_view text) noexcept {
    value_.set_string_lent(text);
    return *this;
  }
  SourceRecord& value_bytes_lent(std::string_view bytes) noexcept {
    value_.set_bytes_lent(bytes.data(), bytes.size());
    return *this;
  }
  SourceRecord& value_bytes_lent(std::span<const uint8_t> bytes) noexcept {
    value_.set_bytes_lent(bytes.data(), bytes.size());
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
  // The header key is copied; only the value is lent.
  SourceRecord& header_string_lent(std::string_view key, std::string_view text) {
    next_header(key).set_string_lent(text);
    return *this;
  }
  SourceRecord& header_bytes_lent(std::string_view key, std::string_view bytes) {
    next_header(key).set_bytes_lent(bytes.data(), bytes.size());
    return *this;
  }
  SourceRecord& header_null(std::string_view key) {
    next_header(key).set_null();
    return *this;
  }
  [[nodiscard]] TapeBuilder& header_typed(std::string_view key, uint32_t schema_id) {
    return next_header(key).set_typed(schema_id);
  }

  // The record's own partition, to fill in place. After source_partition_lent() it first takes
  // a copy of the lent Fields (so reading through it stays correct) and drops the loan.
  [[nodiscard]] Fields& source_partition() {
    if (partition_lent_ != nullptr) {
      source_partition_ = *partition_lent_;
      partition_lent_ = nullptr;
    }
    return source_partition_;
  }
  [[nodiscard]] Fields& source_offset() noexcept { return source_offset_; }
  SourceRecord& source_partition(const Fields& fields) {
    source_partition_ = fields;
    partition_lent_ = nullptr;
    return *this;
  }
  // The source partition is lent like the *_lent views: `fields` (typically a member the task
  // built in start(); most sources have few partitions) must stay alive and unchanged until the
  // next poll() or stop(). Consecutive records lending the same Fields share one ABI array.
  SourceRecord& source_partition_lent(const Fields& fields) noexcept {
    partition_lent_ = &fields;
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

  [[nodiscard]] std::string_view topic() const noexcept {
    return topic_lent_ ? topic_view_ : std::string_view(topic_);
  }
  [[nodiscard]] int32_t partition() const noexcept { return partition_; }
  [[nodiscard]] int64_t timestamp_ms() const noexcept { return timestamp_ms_; }
  // Form (SLUICE_FORM_*) and text/bytes of the key and value as set (copied or lent); the text is
  // empty for the null and typed forms.
  [[nodiscard]] uint32_t key_form() const noexcept { return key_.form(); }
  [[nodiscard]] std::string_view key_bytes() const noexcept { return key_.bytes(); }
  [[nodiscard]] uint32_t value_form() const noexcept { return value_.form(); }
  [[nodiscard]] std::string_view value_bytes() const noexcept { return value_.bytes(); }
  [[nodiscard]] size_t header_count() const noexcept { return header_count_; }
  [[nodiscard]] const Fields& source_partition() const noexcept {
    return partition_lent_ != nullptr ? *partition_lent_ : source_partition_;
  }
  [[nodiscard]] const Fields& source_offset() const noexcept { return source_offset_; }
  [[nodiscard]] uint64_t cookie() const noexcept { return cookie_; }

  // Back to the defaults (no topic, partition -1, no timestamp, null key/value, no headers,
  // empty partition/offset, cookie 0), keeping the storage and forgetting every lent view.
  void clear() noexcept {
    topic_.clear();
    topic_view_ = {};
    topic_lent_ = false;
    partition_ = -1;
    timestamp_ms_ = -1;
    key_.set_null();
    value_.set_null();
    header_count_ = 0;
    source_partition_.clear();
    partition_lent_ = nullptr;
    source_offset_.clear();
    cookie_ = 0;
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

  // Writes the ABI form into `out` in place. `partition` is the ABI form of the source partition
  // (already written by the batch, possibly shared with the previous record), `offset_fields` has
  // room for the source offset and `headers` for the headers; the arrays belong to the batch. The
  // views point into this record, the batch's arrays or lent memory, and are valid until they
  // change. Throws std::logic_error if the topic is empty or a typed value is unfinished.
  void fill_abi(sluice_record& out, const sluice_field* partition, size_t partition_count,
                sluice_field* offset_fields, sluice_header* headers) {
    std::string_view topic_name = topic();
    if (topic_name.empty()) throw std::logic_error("source record without a topic");
    out = sluice_record{};
    out.topic = sdk_detail::to_str(topic_name);
    out.partition = partition_;
    out.timestamp_ms = timestamp_ms_;
    out.offset = -1;
    key_.fill_abi(out.key);
    value_.fill_abi(out.value);
    for (size_t i = 0; i < header_count_; ++i) {
      headers[i].key = sdk_detail::to_str(headers_[i].key);
      headers_[i].value.fill_abi(headers[i].value);
    }
    out.headers = header_count_ ? headers : nullptr;
    out.header_count = static_cast<uint32_t>(header_count_);
    size_t offset_count = source_offset_.size();
    source_offset_.to_abi(std::span<sluice_field>(offset_fields, offset_count));
    out.source_partition = partition_count ? partition : nullptr;
    out.source_partition_count = static_cast<uint32_t>(partition_count);
    out.source_offset = offset_count ? offset_fields : nullptr;
    out.source_offset_count = static_cast<uint32_t>(offset_count);
    out.cookie = cookie_;
  }
  friend class SourceRecordBatch;

  std::string topic_;
  std::string_view topic_view_;  // the lent topic when topic_lent_
  bool topic_lent_ = false;
  int32_t partition_ = -1;
  int64_t timestamp_ms_ = -1;
  sdk_detail::DataSlot key_;
  sdk_detail::DataSlot value_;
  std::deque<Header> headers_;  // [0, header_count_) in use
  size_t header_count_ = 0;
  Fields source_partition_;
  const Fields* partition_lent_ = nullptr;  // when set, the partition instead of source_partition_
  Fields source_offset_;
  uint64_t cookie_ = 0;
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

  // The ABI form of the whole batch, built in place into arrays this batch keeps (their capacity
  // is reused, so a steady-state poll allocates nothing here): one sluice_record per record, and
  // all source partition/offset fields and headers in two shared arrays. Valid until the batch
  // or one of its records changes (the SDK lends it to the host until the next poll). Throws
  // std::logic_error for a record without a topic or with an unfinished typed value.
  [[nodiscard]] std::span<const sluice_record> to_abi() {
    size_t field_count = 0;
    size_t header_count = 0;
    const Fields* shared = nullptr;  // the previous record's lent partition
    for (size_t i = 0; i < size_; ++i) {
      const SourceRecord& r = records_[i];
      bool reuse = r.partition_lent_ != nullptr && r.partition_lent_ == shared;
      field_count += (reuse ? 0 : r.source_partition().size()) + r.source_offset_.size();
      header_count += r.header_count_;
      shared = r.partition_lent_;
    }
    abi_records_.resize(size_);
    abi_fields_.resize(field_count);
    abi_headers_.resize(header_count);
    sluice_field* fields = abi_fields_.data();
    sluice_header* headers = abi_headers_.data();
    shared = nullptr;
    const sluice_field* shared_abi = nullptr;
    for (size_t i = 0; i < size_; ++i) {
      SourceRecord& r = records_[i];
      const Fields& partition = std::as_const(r).source_partition();
      const sluice_field* partition_abi = shared_abi;
      if (r.partition_lent_ == nullptr || r.partition_lent_ != shared) {
        partition.to_abi(std::span<sluice_field>(fields, partition.size()));
        partition_abi = fields;
        fields += partition.size();
      }
      shared = r.partition_lent_;
      shared_abi = partition_abi;
      r.fill_abi(abi_records_[i], partition_abi, partition.size(), fields, headers);
      fields += r.source_offset_.size();
      headers += r.header_count_;
    }
    return std::span<const sluice_record>(abi_records_.data(), size_);
  }

 private:
  std::deque<SourceRecord> records_;  // [0, size_) in use, the rest kept for reuse
  size_t size_ = 0;
  std::vector<sluice_record> abi_records_;
  std::vector<sluice_field> abi_fields_;    // partition (unless shared) then offset fields
  std::vector<sluice_header> abi_headers_;  // every record's headers
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
