// JsonWriter: the canonical compact JSON writer shared by the offset file, the connector store
// and the JSON converter (docs/formats/worker-storage.md §0). Numbers use Java's
// Double.toString/Float.toString layout with the shortest round-trip digits, so bytes written by
// Sluice equal those written by Kafka Connect for the same data.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace sluice::data {

// Appends tokens to a caller-owned string. The writer only tracks whether a separator is due;
// it does not check that the calls form valid JSON (callers emit a well-formed sequence). It
// allocates nothing beyond the growth of *out.
class JsonWriter {
 public:
  // `out` is borrowed and must outlive the writer; existing content is kept.
  explicit JsonWriter(std::string* out) : out_(out) {}

  void begin_object();
  void end_object();
  void begin_array();
  void end_array();
  // An object member name; the next call writes its value.
  void key(std::string_view name);
  void string(std::string_view text);
  void int64(int64_t v);
  // Finite values in Java's layout; NaN and infinities as the strings "NaN", "Infinity",
  // "-Infinity" (Jackson's default for Connect).
  void float64(double v);
  void float32(float v);
  void boolean(bool v);
  void null();
  // Already-encoded JSON (trusted to be one valid value).
  void raw(std::string_view json);
  // A string holding the standard Base64 (with padding) of `bytes`.
  void base64(std::span<const uint8_t> bytes);

  std::string* out() const { return out_; }

 private:
  template <typename F>
  void number(F v);
  void separate() {
    if (need_comma_) out_->push_back(',');
  }

  std::string* out_;
  bool need_comma_ = false;
};

// `text` as a quoted JSON string with §0 escaping, appended to *out.
void append_json_string(std::string_view text, std::string* out);
// Java Double.toString / Float.toString of a value ("NaN", "Infinity", "-Infinity" unquoted for
// non-finite values), appended to *out.
void append_java_double(double v, std::string* out);
void append_java_float(float v, std::string* out);

}  // namespace sluice::data
