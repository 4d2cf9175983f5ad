// Encoding and decoding of the group protocol's member metadata and assignments
// (docs/formats/group-protocol-data.md). The reader checks every length against the remaining
// bytes before allocating, so hostile input can neither crash it nor make it allocate much.
#include "runtime/assignment/protocol_data.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "broker-lite/protocol/endian.h"

namespace sluice::assignment {
namespace {

constexpr size_t kMaxStringBytes = std::numeric_limits<int16_t>::max();
constexpr size_t kMinStringBytes = 2;     // an empty string: its length only
constexpr size_t kMinTaskGroupBytes = 6;  // empty name + empty index array

// --- writing ---

class Writer {
 public:
  void i16(int16_t v) {
    uint8_t b[2];
    kafka::store_be16(b, static_cast<uint16_t>(v));
    out_.insert(out_.end(), b, b + 2);
  }
  void i32(int32_t v) {
    uint8_t b[4];
    kafka::store_be32(b, static_cast<uint32_t>(v));
    out_.insert(out_.end(), b, b + 4);
  }
  void i64(int64_t v) {
    uint8_t b[8];
    kafka::store_be64(b, static_cast<uint64_t>(v));
    out_.insert(out_.end(), b, b + 8);
  }
  // The caller has checked the length (check_string).
  void str(std::string_view s) {
    i16(static_cast<int16_t>(s.size()));
    out_.insert(out_.end(), s.begin(), s.end());
  }
  std::vector<uint8_t> take() { return std::move(out_); }

 private:
  std::vector<uint8_t> out_;
};

Status check_string(std::string_view s, std::string_view field) {
  if (s.size() > kMaxStringBytes) {
    return Status::invalid_argument(std::string(field) + " is " + std::to_string(s.size()) +
                                    " bytes long, more than the 32767 a string can hold");
  }
  return Status::ok();
}

// Sorted, repeat-free connector names, checked for writing.
Result<std::set<std::string>> canonical_connectors(const std::vector<std::string>& names,
                                                   std::string_view field) {
  std::set<std::string> out;
  for (const auto& name : names) {
    if (name.empty())
      return Status::invalid_argument(std::string(field) + ": empty connector name");
    SLUICE_RETURN_IF_ERROR(check_string(name, std::string(field) + " connector name"));
    out.insert(name);
  }
  return out;
}

// Tasks grouped by connector, indexes sorted and repeat-free, checked for writing.
Result<std::map<std::string, std::set<int32_t>>> canonical_tasks(const std::vector<TaskId>& tasks,
                                                                 std::string_view field) {
  std::map<std::string, std::set<int32_t>> out;
  for (const auto& t : tasks) {
    if (t.connector.empty()) {
      return Status::invalid_argument(std::string(field) + ": task with an empty connector name");
    }
    if (t.task < 0) {
      return Status::invalid_argument(std::string(field) + ": task " + to_string(t) +
                                      " has a negative index");
    }
    SLUICE_RETURN_IF_ERROR(check_string(t.connector, std::string(field) + " connector name"));
    out[t.connector].insert(t.task);
  }
  return out;
}

void write_connectors(Writer& w, const std::set<std::string>& names) {
  w.i32(static_cast<int32_t>(names.size()));
  for (const auto& n : names) w.str(n);
}

void write_tasks(Writer& w, const std::map<std::string, std::set<int32_t>>& groups) {
  w.i32(static_cast<int32_t>(groups.size()));
  for (const auto& [connector, indexes] : groups) {
    w.str(connector);
    w.i32(static_cast<int32_t>(indexes.size()));
    for (int32_t i : indexes) w.i32(i);
  }
}

// Checks, then writes a connector list and a task list in canonical form. `what` prefixes the
// field names in errors ("assignment", "revoked", ...).
Status write_work(Writer& w, const std::vector<std::string>& connectors,
                  const std::vector<TaskId>& tasks, std::string_view what) {
  auto c = canonical_connectors(connectors, std::string(what) + " connectors");
  if (!c) return c.status();
  auto t = canonical_tasks(tasks, std::string(what) + " tasks");
  if (!t) return t.status();
  write_connectors(w, *c);
  write_tasks(w, *t);
  return Status::ok();
}

// --- reading ---

// Reads big-endian fields from borrowed bytes; the first failure is kept and every later read
// returns a zero value, so a decoder can read a whole layout and check once per field group.
class Reader {
 public:
  explicit Reader(std::span<const uint8_t> bytes, std::string_view what)
      : bytes_(bytes), what_(what) {}

  bool ok() const { return status_.is_ok(); }
  const Status& status() const { return status_; }
  size_t position() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }

  int16_t i16(std::string_view field) {
    if (!need(2, field)) return 0;
    int16_t v = static_cast<int16_t>(kafka::load_be16(bytes_.data() + pos_));
    pos_ += 2;
    return v;
  }
  int32_t i32(std::string_view field) {
    if (!need(4, field)) return 0;
    int32_t v = static_cast<int32_t>(kafka::load_be32(bytes_.data() + pos_));
    pos_ += 4;
    return v;
  }
  int64_t i64(std::string_view field) {
    if (!need(8, field)) return 0;
    int64_t v = static_cast<int64_t>(kafka::load_be64(bytes_.data() + pos_));
    pos_ += 8;
    return v;
  }
  std::string str(std::string_view field) {
    size_t at = pos_;
    int16_t len = i16(field);
    if (!ok()) return {};
    if (len < 0) {
      fail(field, at, "has the negative length " + std::to_string(len));
      return {};
    }
    if (!need(static_cast<size_t>(len), field)) return {};
    std::string s(reinterpret_cast<const char*>(bytes_.data() + pos_), static_cast<size_t>(len));
    pos_ += static_cast<size_t>(len);
    return s;
  }
  // An array count, checked to be non-negative and to fit the remaining bytes when every element
  // takes at least `min_element_bytes`. Returns 0 after a failure.
  size_t count(std::string_view field, size_t min_element_bytes) {
    size_t at = pos_;
    int32_t n = i32(field);
    if (!ok()) return 0;
    if (n < 0) {
      fail(field, at, "has the negative count " + std::to_string(n));
      return 0;
    }
    if (static_cast<size_t>(n) > remaining() / min_element_bytes) {
      fail(field, at,
           "claims " + std::to_string(n) + " elements but only " + std::to_string(remaining()) +
               " bytes remain");
      return 0;
    }
    return static_cast<size_t>(n);
  }
  void fail(std::string_view field, size_t at, std::string_view problem) {
    if (!ok()) return;
    status_ = Status::corruption(std::string(what_) + ": " + std::string(field) + " at byte " +
                                 std::to_string(at) + " " + std::string(problem));
  }
  void fail_unsupported(std::string message) {
    if (ok()) status_ = Status::unsupported(std::string(what_) + ": " + message);
  }

 private:
  bool need(size_t n, std::string_view field) {
    if (!ok()) return false;
    if (remaining() < n) {
      fail(field, pos_,
           "is truncated: needs " + std::to_string(n) + " bytes, " + std::to_string(remaining()) +
               " remain");
      return false;
    }
    return true;
  }

  std::span<const uint8_t> bytes_;
  std::string_view what_;
  size_t pos_ = 0;
  Status status_;
};

// Reads and checks the two version fields; returns the minor version (0 after a failure).
int16_t read_versions(Reader& r) {
  int16_t major = r.i16("major version");
  int16_t minor = r.i16("minor version");
  if (!r.ok()) return 0;
  if (major != kMajorVersion) {
    r.fail_unsupported("major version " + std::to_string(major) + " is not supported (only " +
                       std::to_string(kMajorVersion) + ")");
    return 0;
  }
  if (minor < 0) r.fail("minor version", 2, "is negative (" + std::to_string(minor) + ")");
  return minor;
}

// After the known fields: bytes may follow only when a newer minor version says so.
void check_end(Reader& r, int16_t minor) {
  if (r.ok() && minor <= kMinorVersion && r.remaining() > 0) {
    r.fail("end of message", r.position(),
           "is followed by " + std::to_string(r.remaining()) + " unexpected bytes");
  }
}

std::vector<std::string> read_connectors(Reader& r, std::string_view field) {
  std::set<std::string> names;
  size_t n = r.count(field, kMinStringBytes);
  for (size_t i = 0; i < n && r.ok(); ++i) {
    size_t at = r.position();
    std::string name = r.str(field);
    if (r.ok() && name.empty()) r.fail(field, at, "holds an empty connector name");
    names.insert(std::move(name));
  }
  if (!r.ok()) return {};
  return {names.begin(), names.end()};
}

std::vector<TaskId> read_tasks(Reader& r, std::string_view field) {
  std::set<TaskId> tasks;
  size_t groups = r.count(field, kMinTaskGroupBytes);
  for (size_t g = 0; g < groups && r.ok(); ++g) {
    size_t at = r.position();
    std::string connector = r.str(field);
    if (r.ok() && connector.empty()) r.fail(field, at, "holds an empty connector name");
    size_t n = r.count(field, 4);
    for (size_t i = 0; i < n && r.ok(); ++i) {
      size_t index_at = r.position();
      int32_t index = r.i32(field);
      if (r.ok() && index < 0) {
        r.fail(field, index_at,
               "holds the negative task index " + std::to_string(index) + " of connector " +
                   connector);
      }
      tasks.insert(TaskId{connector, index});
    }
  }
  if (!r.ok()) return {};
  return {tasks.begin(), tasks.end()};
}

}  // namespace

std::string to_string(const TaskId& id) {
  return id.connector + "-" + std::to_string(id.task);
}

Result<std::vector<uint8_t>> encode(const MemberMetadata& metadata) {
  SLUICE_RETURN_IF_ERROR(check_string(metadata.url, "member metadata url"));
  Writer w;
  w.i16(kMajorVersion);
  w.i16(kMinorVersion);
  w.str(metadata.url);
  w.i64(metadata.config_offset);
  SLUICE_RETURN_IF_ERROR(write_work(w, metadata.connectors, metadata.tasks, "member metadata"));
  return w.take();
}

Result<std::vector<uint8_t>> encode(const Assignment& a) {
  SLUICE_RETURN_IF_ERROR(check_string(a.leader_id, "assignment leader id"));
  SLUICE_RETURN_IF_ERROR(check_string(a.leader_url, "assignment leader url"));
  if (a.delay_ms < 0) {
    return Status::invalid_argument("assignment delay " + std::to_string(a.delay_ms) +
                                    " ms is negative");
  }
  Writer w;
  w.i16(kMajorVersion);
  w.i16(kMinorVersion);
  w.i16(a.error);
  w.str(a.leader_id);
  w.str(a.leader_url);
  w.i64(a.config_offset);
  SLUICE_RETURN_IF_ERROR(write_work(w, a.connectors, a.tasks, "assignment"));
  SLUICE_RETURN_IF_ERROR(write_work(w, a.revoked_connectors, a.revoked_tasks, "revoked"));
  w.i32(a.delay_ms);
  return w.take();
}

Result<MemberMetadata> decode_member_metadata(std::span<const uint8_t> bytes) {
  Reader r(bytes, "member metadata");
  int16_t minor = read_versions(r);
  MemberMetadata m;
  m.url = r.str("url");
  m.config_offset = r.i64("config offset");
  m.connectors = read_connectors(r, "connectors");
  m.tasks = read_tasks(r, "tasks");
  check_end(r, minor);
  if (!r.ok()) return r.status();
  return m;
}

Result<Assignment> decode_assignment(std::span<const uint8_t> bytes) {
  Reader r(bytes, "assignment");
  int16_t minor = read_versions(r);
  Assignment a;
  a.error = r.i16("error");
  a.leader_id = r.str("leader id");
  a.leader_url = r.str("leader url");
  a.config_offset = r.i64("config offset");
  a.connectors = read_connectors(r, "connectors");
  a.tasks = read_tasks(r, "tasks");
  a.revoked_connectors = read_connectors(r, "revoked connectors");
  a.revoked_tasks = read_tasks(r, "revoked tasks");
  size_t delay_at = r.position();
  a.delay_ms = r.i32("delay ms");
  if (r.ok() && a.delay_ms < 0) {
    r.fail("delay ms", delay_at, "is negative (" + std::to_string(a.delay_ms) + ")");
  }
  check_end(r, minor);
  if (!r.ok()) return r.status();
  return a;
}

}  // namespace sluice::assignment
