// libFuzzer target for the group protocol data workers exchange through the coordinator
// (runtime/assignment/protocol_data.h, docs/formats/group-protocol-data.md): the member metadata
// of JoinGroup and the assignment of SyncGroup come from other processes.
//
// Decoding direction: the input is decoded as both layouts. Whatever decodes must be canonical
// (sorted, no repeats, no empty connector names, no negative indexes or delay), must encode, must
// decode again to an equal value, its encoding must be a fixed point and never longer than the
// input (the reader only drops repeats, empty task groups and the bytes of newer minor versions).
//
// Encoding direction: the same input also builds an arbitrary value (empty names, negative
// indexes, repeats, long strings); the encoder must refuse exactly the values the format forbids,
// and what it writes must decode to the canonical form of the value.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <span>
#include <string>
#include <vector>

#include "runtime/assignment/protocol_data.h"

namespace {

using sluice::assignment::Assignment;
using sluice::assignment::MemberMetadata;
using sluice::assignment::TaskId;

constexpr size_t kMaxStringBytes = 32767;

void check(bool condition) {
  if (!condition) __builtin_trap();
}

template <typename T>
bool sorted_unique(const std::vector<T>& v) {
  return std::adjacent_find(v.begin(), v.end(), [](const T& a, const T& b) { return !(a < b); }) ==
         v.end();
}

// The properties every decoded list has (format doc: "the lists come back sorted, without
// repeats"; empty names and negative indexes are rejected).
void check_connectors(const std::vector<std::string>& names) {
  check(sorted_unique(names));
  for (const auto& n : names) check(!n.empty() && n.size() <= kMaxStringBytes);
}
void check_tasks(const std::vector<TaskId>& tasks) {
  check(sorted_unique(tasks));
  for (const auto& t : tasks) {
    check(!t.connector.empty() && t.connector.size() <= kMaxStringBytes);
    check(t.task >= 0);
  }
}

void check_decoded(const MemberMetadata& m) {
  check(m.url.size() <= kMaxStringBytes);
  check_connectors(m.connectors);
  check_tasks(m.tasks);
}
void check_decoded(const Assignment& a) {
  check(a.leader_id.size() <= kMaxStringBytes && a.leader_url.size() <= kMaxStringBytes);
  check(a.delay_ms >= 0);
  check_connectors(a.connectors);
  check_tasks(a.tasks);
  check_connectors(a.revoked_connectors);
  check_tasks(a.revoked_tasks);
}

sluice::Result<MemberMetadata> decode(std::span<const uint8_t> bytes, const MemberMetadata*) {
  return sluice::assignment::decode_member_metadata(bytes);
}
sluice::Result<Assignment> decode(std::span<const uint8_t> bytes, const Assignment*) {
  return sluice::assignment::decode_assignment(bytes);
}

// Round trip of a value that was decoded from `input`.
template <typename T>
void round_trip_decoded(std::span<const uint8_t> input) {
  auto decoded = decode(input, static_cast<const T*>(nullptr));
  if (!decoded.is_ok()) return;
  check_decoded(*decoded);
  auto encoded = sluice::assignment::encode(*decoded);
  check(encoded.is_ok());  // everything the reader accepts is writable
  check(encoded->size() <= input.size());
  auto again = decode(*encoded, static_cast<const T*>(nullptr));
  check(again.is_ok());
  check(*again == *decoded);
  auto encoded_again = sluice::assignment::encode(*again);
  check(encoded_again.is_ok());
  check(*encoded_again == *encoded);
}

// --- values built from the input, for the encoding direction ---

// Mostly one letter from a small alphabet (so that repeats happen), sometimes empty or arbitrary,
// rarely right at or just over the 32767 bytes a string can hold.
std::string make_string(FuzzedDataProvider& in) {
  switch (in.ConsumeIntegralInRange<int>(0, 63)) {
    case 0:
      return "";
    case 1:
      return std::string(kMaxStringBytes + in.ConsumeIntegralInRange<size_t>(0, 1), 'x');
    case 2:
    case 3:
    case 4:
      return in.ConsumeRandomLengthString(64);
    default:
      return std::string(1, static_cast<char>('a' + in.ConsumeIntegralInRange<int>(0, 3)));
  }
}

struct Validity {
  bool ok = true;
  void string(const std::string& s) { ok = ok && s.size() <= kMaxStringBytes; }
  void connector(const std::string& s) { ok = ok && !s.empty() && s.size() <= kMaxStringBytes; }
};

std::vector<std::string> make_connectors(FuzzedDataProvider& in, Validity& v) {
  std::vector<std::string> out(in.ConsumeIntegralInRange<size_t>(0, 6));
  for (auto& name : out) {
    name = make_string(in);
    v.connector(name);
  }
  return out;
}

std::vector<TaskId> make_tasks(FuzzedDataProvider& in, Validity& v) {
  std::vector<TaskId> out(in.ConsumeIntegralInRange<size_t>(0, 8));
  for (auto& t : out) {
    t.connector = make_string(in);
    t.task =
        in.ConsumeBool() ? in.ConsumeIntegralInRange<int32_t>(0, 3) : in.ConsumeIntegral<int32_t>();
    v.connector(t.connector);
    v.ok = v.ok && t.task >= 0;
  }
  return out;
}

template <typename T>
std::vector<T> canonical(std::vector<T> v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Encodes `value`; checks refusal exactly when `valid` is false, else that decoding gives
// `expected` (the canonical form).
template <typename T>
void check_encoding(const T& value, bool valid, const T& expected) {
  auto encoded = sluice::assignment::encode(value);
  if (!valid) {
    check(!encoded.is_ok() && encoded.status().code() == sluice::StatusCode::kInvalidArgument);
    return;
  }
  check(encoded.is_ok());
  auto decoded = decode(*encoded, static_cast<const T*>(nullptr));
  check(decoded.is_ok());
  check(*decoded == expected);
}

void encode_built_values(FuzzedDataProvider& in) {
  {
    Validity v;
    MemberMetadata m;
    m.url = make_string(in);
    v.string(m.url);
    m.config_offset = in.ConsumeIntegral<int64_t>();
    m.connectors = make_connectors(in, v);
    m.tasks = make_tasks(in, v);
    MemberMetadata expected = m;
    expected.connectors = canonical(m.connectors);
    expected.tasks = canonical(m.tasks);
    check_encoding(m, v.ok, expected);
  }
  {
    Validity v;
    Assignment a;
    a.error = in.ConsumeIntegral<int16_t>();
    a.leader_id = make_string(in);
    v.string(a.leader_id);
    a.leader_url = make_string(in);
    v.string(a.leader_url);
    a.config_offset = in.ConsumeIntegral<int64_t>();
    a.connectors = make_connectors(in, v);
    a.tasks = make_tasks(in, v);
    a.revoked_connectors = make_connectors(in, v);
    a.revoked_tasks = make_tasks(in, v);
    a.delay_ms = in.ConsumeBool() ? in.ConsumeIntegralInRange<int32_t>(0, 10000)
                                  : in.ConsumeIntegral<int32_t>();
    v.ok = v.ok && a.delay_ms >= 0;
    Assignment expected = a;
    expected.connectors = canonical(a.connectors);
    expected.tasks = canonical(a.tasks);
    expected.revoked_connectors = canonical(a.revoked_connectors);
    expected.revoked_tasks = canonical(a.revoked_tasks);
    check_encoding(a, v.ok, expected);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  round_trip_decoded<MemberMetadata>(input);
  round_trip_decoded<Assignment>(input);
  FuzzedDataProvider in(data, size);
  encode_built_values(in);
  return 0;
}
