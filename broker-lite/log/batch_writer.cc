// Record and batch encoding for compaction output (batch_writer.h).
#include "broker-lite/log/batch_writer.h"

#include "broker-lite/protocol/varint.h"

namespace sluice::log {

namespace layout = kafka::batch_layout;

void encode_record(std::vector<uint8_t>* out, int8_t attributes, int64_t timestamp_delta,
                   int32_t offset_delta, std::optional<std::span<const uint8_t>> key,
                   std::optional<std::span<const uint8_t>> value, uint32_t header_count,
                   std::span<const uint8_t> headers) {
  // Body first into a small stack area for the fixed part, then the length prefix.
  uint8_t fixed[1 + kafka::kMaxVarint64Bytes + kafka::kMaxVarint32Bytes];
  size_t n = 0;
  fixed[n++] = static_cast<uint8_t>(attributes);
  n += kafka::put_varint64(fixed + n, timestamp_delta);
  n += kafka::put_varint32(fixed + n, offset_delta);
  const int32_t key_len = key ? static_cast<int32_t>(key->size()) : -1;
  const int32_t value_len = value ? static_cast<int32_t>(value->size()) : -1;
  const size_t body = n + kafka::varint32_size(key_len) + (key ? key->size() : 0) +
                      kafka::varint32_size(value_len) + (value ? value->size() : 0) +
                      kafka::varint32_size(static_cast<int32_t>(header_count)) + headers.size();
  uint8_t tmp[kafka::kMaxVarint64Bytes];
  out->insert(out->end(), tmp, tmp + kafka::put_varint32(tmp, static_cast<int32_t>(body)));
  out->insert(out->end(), fixed, fixed + n);
  out->insert(out->end(), tmp, tmp + kafka::put_varint32(tmp, key_len));
  if (key) out->insert(out->end(), key->begin(), key->end());
  out->insert(out->end(), tmp, tmp + kafka::put_varint32(tmp, value_len));
  if (value) out->insert(out->end(), value->begin(), value->end());
  out->insert(out->end(), tmp, tmp + kafka::put_varint32(tmp, static_cast<int32_t>(header_count)));
  out->insert(out->end(), headers.begin(), headers.end());
}

std::vector<uint8_t> finish_batch(const kafka::BatchHeader& h, std::span<const uint8_t> records) {
  std::vector<uint8_t> b(layout::kHeaderSize + records.size());
  uint8_t* p = b.data();
  kafka::store_be64(p + layout::kBaseOffset, static_cast<uint64_t>(h.base_offset));
  kafka::store_be32(p + layout::kBatchLength,
                    static_cast<uint32_t>(b.size() - layout::kLogOverhead));
  kafka::store_be32(p + layout::kPartitionLeaderEpoch,
                    static_cast<uint32_t>(h.partition_leader_epoch));
  p[layout::kMagic] = static_cast<uint8_t>(kafka::kMagicV2);
  const int16_t attrs = static_cast<int16_t>(h.attributes & ~kafka::batch_attr::kCompressionMask);
  kafka::store_be16(p + layout::kAttributes, static_cast<uint16_t>(attrs));
  kafka::store_be32(p + layout::kLastOffsetDelta, static_cast<uint32_t>(h.last_offset_delta));
  kafka::store_be64(p + layout::kBaseTimestamp, static_cast<uint64_t>(h.base_timestamp));
  kafka::store_be64(p + layout::kMaxTimestamp, static_cast<uint64_t>(h.max_timestamp));
  kafka::store_be64(p + layout::kProducerId, static_cast<uint64_t>(h.producer_id));
  kafka::store_be16(p + layout::kProducerEpoch, static_cast<uint16_t>(h.producer_epoch));
  kafka::store_be32(p + layout::kBaseSequence, static_cast<uint32_t>(h.base_sequence));
  kafka::store_be32(p + layout::kRecordCount, static_cast<uint32_t>(h.record_count));
  std::copy(records.begin(), records.end(), b.begin() + layout::kHeaderSize);
  kafka::store_be32(p + layout::kCrc, kafka::crc32c_extend(0, p + layout::kAttributes,
                                                           b.size() - layout::kAttributes));
  return b;
}

}  // namespace sluice::log
