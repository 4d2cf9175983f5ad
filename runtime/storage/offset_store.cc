// FileOffsetStore (offset_store.h): parsing and writing the offset file of
// worker-storage.md §1 and the in-memory merge.
#include "runtime/storage/offset_store.h"

#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>

#include "broker-lite/protocol/crc32c.h"
#include "runtime/storage/atomic_file.h"

namespace sluice::storage {
namespace {

constexpr std::string_view kHeaderName = "sluice-offsets";
constexpr std::string_view kOffsetFileVersion = "1";

uint32_t crc_of(std::string_view text) {
  return kafka::crc32c_extend(0, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

std::string hex8(uint32_t v) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", v);
  return buf;
}

bool has_raw_line_break_or_tab(std::string_view s) {
  return s.find_first_of("\t\n\r") != std::string_view::npos;
}

// Checks a key's shape and returns its connector name, or a problem description.
Result<std::string> connector_of_key(std::string_view key_json) {
  if (key_json.empty()) return Status::invalid_argument("empty key");
  if (has_raw_line_break_or_tab(key_json)) {
    return Status::invalid_argument("key contains a raw TAB, CR or LF");
  }
  nlohmann::json key = nlohmann::json::parse(key_json, nullptr, /*allow_exceptions=*/false);
  if (key.is_discarded()) return Status::invalid_argument("key is not valid JSON");
  if (!key.is_array() || key.size() != 2 || !key[0].is_string() || !key[1].is_object()) {
    return Status::invalid_argument("key is not a [connector name, partition object] array");
  }
  return key[0].get<std::string>();
}

Status check_value(std::string_view value_json) {
  if (has_raw_line_break_or_tab(value_json)) {
    return Status::invalid_argument("value contains a raw TAB, CR or LF");
  }
  nlohmann::json value = nlohmann::json::parse(value_json, nullptr, false);
  if (value.is_discarded()) return Status::invalid_argument("value is not valid JSON");
  if (!value.is_object()) return Status::invalid_argument("value is not a JSON object");
  return Status::ok();
}

bool parse_decimal(std::string_view text, uint64_t& out) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

bool parse_crc_hex(std::string_view text, uint32_t& out) {
  if (text.size() != 8) return false;
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
  return ec == std::errc() && end == text.data() + text.size();
}

// Parses a whole offset file. Errors are "line <n>: <problem>" (kCorruption).
class OffsetFileParser {
 public:
  explicit OffsetFileParser(std::string_view text) : text_(text) {}

  Status parse(std::map<std::string, std::string>& out) {
    if (text_.empty()) return problem(1, "the file is empty");
    if (text_.back() != '\n') {
      return problem(count_lines(text_), "the last line has no line end (torn write?)");
    }
    std::vector<std::string_view> lines = split_lines();
    SLUICE_RETURN_IF_ERROR(check_header(lines[0]));
    if (lines.size() < 2) return problem(1, "no trailer line (file truncated?)");
    const size_t trailer_index = lines.size() - 1;
    SLUICE_RETURN_IF_ERROR(check_trailer(lines, trailer_index));
    std::string_view previous_key;
    for (size_t i = 1; i < trailer_index; ++i) {
      SLUICE_RETURN_IF_ERROR(parse_entry(lines[i], i + 1, previous_key, out));
    }
    return Status::ok();
  }

 private:
  static Status problem(size_t line, std::string what) {
    return Status::corruption("line " + std::to_string(line) + ": " + what);
  }

  static size_t count_lines(std::string_view text) {
    size_t n = 1;
    for (char c : text) n += c == '\n';
    return n;
  }

  // Lines without their '\n'; the text ends with '\n', so there is no empty last element.
  std::vector<std::string_view> split_lines() const {
    std::vector<std::string_view> lines;
    size_t start = 0;
    while (start < text_.size()) {
      size_t nl = text_.find('\n', start);
      lines.push_back(text_.substr(start, nl - start));
      start = nl + 1;
    }
    return lines;
  }

  Status check_header(std::string_view line) const {
    if (line.size() <= kHeaderName.size() || line.substr(0, kHeaderName.size()) != kHeaderName ||
        line[kHeaderName.size()] != ' ') {
      return problem(1, "not an offset file (expected the header \"sluice-offsets 1\")");
    }
    std::string_view version = line.substr(kHeaderName.size() + 1);
    if (version != kOffsetFileVersion) {
      return problem(1, "unsupported format version \"" + std::string(version) +
                            "\" (this Sluice reads version 1)");
    }
    return Status::ok();
  }

  Status check_trailer(const std::vector<std::string_view>& lines, size_t index) const {
    std::string_view line = lines[index];
    const size_t line_no = index + 1;
    if (line.substr(0, 4) != "end ") {
      return problem(line_no, "no trailer line \"end <count> <crc>\" (file truncated?)");
    }
    std::string_view rest = line.substr(4);
    size_t space = rest.find(' ');
    uint64_t count = 0;
    uint32_t crc = 0;
    if (space == std::string_view::npos || !parse_decimal(rest.substr(0, space), count) ||
        !parse_crc_hex(rest.substr(space + 1), crc)) {
      return problem(line_no, "malformed trailer (expected \"end <count> <8 hex digits>\")");
    }
    const size_t covered = static_cast<size_t>(line.data() - text_.data());
    uint32_t actual = crc_of(text_.substr(0, covered));
    if (actual != crc) {
      return problem(line_no, "CRC mismatch: the trailer says " + hex8(crc) + ", the content has " +
                                  hex8(actual) + " (file damaged)");
    }
    if (count != index - 1) {
      return problem(line_no, "the trailer counts " + std::to_string(count) +
                                  " entries, the file has " + std::to_string(index - 1));
    }
    return Status::ok();
  }

  Status parse_entry(std::string_view line, size_t line_no, std::string_view& previous_key,
                     std::map<std::string, std::string>& out) const {
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos) return problem(line_no, "no TAB between key and value");
    std::string_view key = line.substr(0, tab);
    std::string_view value = line.substr(tab + 1);
    Result<std::string> connector = connector_of_key(key);
    if (!connector.is_ok()) return problem(line_no, std::string(connector.status().message()));
    Status value_ok = check_value(value);
    if (!value_ok.is_ok()) return problem(line_no, std::string(value_ok.message()));
    if (!previous_key.empty() && key <= previous_key) {
      return problem(line_no, key == previous_key ? "duplicate key" : "keys are not sorted");
    }
    previous_key = key;
    out.emplace(std::string(key), std::string(value));
    return Status::ok();
  }

  std::string_view text_;
};

}  // namespace

Result<std::unique_ptr<FileOffsetStore>> FileOffsetStore::open(std::string path,
                                                               log::FileSystem* fs) {
  std::unique_ptr<FileOffsetStore> store(new FileOffsetStore(std::move(path), fs));
  SLUICE_RETURN_IF_ERROR(store->load().with_context("offset file " + store->path_));
  return store;
}

Status FileOffsetStore::load() {
  Result<std::optional<std::string>> text = read_state_file(*fs_, path_);
  if (!text.is_ok()) return text.status();
  if (!text->has_value()) return Status::ok();
  std::map<std::string, std::string> parsed;
  SLUICE_RETURN_IF_ERROR(OffsetFileParser(**text).parse(parsed));
  for (auto& [key, value] : parsed) {
    Result<std::string> connector = connector_of_key(key);  // checked by the parser
    entries_.emplace(key, Value{std::move(value), std::move(*connector)});
  }
  return Status::ok();
}

std::string FileOffsetStore::render(const std::map<std::string, std::string>& entries) {
  std::string out;
  out.append(kHeaderName).append(" ").append(kOffsetFileVersion).append("\n");
  for (const auto& [key, value] : entries) out.append(key).append("\t").append(value).append("\n");
  uint32_t crc = crc_of(out);
  out.append("end ").append(std::to_string(entries.size())).append(" ").append(hex8(crc));
  out.append("\n");
  return out;
}

Status FileOffsetStore::put_and_flush(std::span<const OffsetEntry> entries) {
  // Validate everything first: a malformed entry rejects the batch before anything changes.
  std::vector<std::string> connectors(entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    Result<std::string> connector = connector_of_key(entries[i].key_json);
    Status ok = connector.status();
    if (ok.is_ok() && entries[i].value_json) ok = check_value(*entries[i].value_json);
    if (!ok.is_ok()) {
      return ok.with_context("offset file " + path_ + ": entry " + entries[i].key_json);
    }
    connectors[i] = std::move(*connector);
  }
  std::lock_guard flush_lock(flush_mu_);
  {
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < entries.size(); ++i) {
      const OffsetEntry& e = entries[i];
      auto it = entries_.find(e.key_json);
      if (!e.value_json) {
        if (it == entries_.end()) continue;
        entries_.erase(it);
      } else if (it == entries_.end()) {
        entries_.emplace(e.key_json, Value{*e.value_json, std::move(connectors[i])});
      } else if (it->second.value_json != *e.value_json) {
        it->second.value_json = *e.value_json;
      } else {
        continue;
      }
      ++generation_;
    }
  }
  return flush_if_dirty();
}

Status FileOffsetStore::remove_connector(std::string_view connector) {
  std::lock_guard flush_lock(flush_mu_);
  {
    std::lock_guard lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->second.connector == connector) {
        it = entries_.erase(it);
        ++generation_;
      } else {
        ++it;
      }
    }
  }
  return flush_if_dirty();
}

Status FileOffsetStore::flush_if_dirty() {
  std::string bytes;
  uint64_t generation = 0;
  {
    std::lock_guard lock(mu_);
    if (generation_ == written_generation_) return Status::ok();
    std::map<std::string, std::string> snapshot;
    for (const auto& [key, value] : entries_) snapshot.emplace(key, value.value_json);
    bytes = render(snapshot);
    generation = generation_;
  }
  SLUICE_RETURN_IF_ERROR(replace_file_durably(*fs_, path_, bytes, FileAccess::kDefault));
  std::lock_guard lock(mu_);
  written_generation_ = generation;
  ++writes_;
  return Status::ok();
}

std::optional<std::string> FileOffsetStore::get(std::string_view key_json) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(key_json);
  if (it == entries_.end()) return std::nullopt;
  return it->second.value_json;
}

std::vector<OffsetEntry> FileOffsetStore::entries_for_connector(std::string_view connector) const {
  std::lock_guard lock(mu_);
  std::vector<OffsetEntry> out;
  for (const auto& [key, value] : entries_) {
    if (value.connector == connector) out.push_back(OffsetEntry{key, value.value_json});
  }
  return out;
}

size_t FileOffsetStore::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

int64_t FileOffsetStore::writes() const {
  std::lock_guard lock(mu_);
  return writes_;
}

}  // namespace sluice::storage
