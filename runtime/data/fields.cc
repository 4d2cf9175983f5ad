// OwnedFields and the canonical JSON of sluice_field arrays (see fields.h).
#include "runtime/data/fields.h"

#include <algorithm>
#include <array>
#include <cstring>

#include "runtime/data/json_reader.h"
#include "runtime/data/json_writer.h"

namespace sluice::data {
namespace {

std::string_view name_of(const sluice_field& f) {
  return {f.name.ptr, f.name.len};
}

bool same_value(const sluice_field& a, const sluice_field& b) {
  if (a.type != b.type) return false;
  switch (a.type) {
    case SLUICE_FIELD_NULL:
      return true;
    case SLUICE_FIELD_BOOLEAN:
      return (a.v.i != 0) == (b.v.i != 0);
    case SLUICE_FIELD_INT64:
      return a.v.i == b.v.i;
    case SLUICE_FIELD_FLOAT64:
      return std::memcmp(&a.v.f, &b.v.f, sizeof(double)) == 0;
    case SLUICE_FIELD_STRING:
      return std::string_view(a.v.s.ptr, a.v.s.len) == std::string_view(b.v.s.ptr, b.v.s.len);
    default:
      return false;
  }
}

void write_field_value(const sluice_field& f, JsonWriter* w) {
  switch (f.type) {
    case SLUICE_FIELD_BOOLEAN:
      w->boolean(f.v.i != 0);
      break;
    case SLUICE_FIELD_INT64:
      w->int64(f.v.i);
      break;
    case SLUICE_FIELD_FLOAT64:
      w->float64(f.v.f);
      break;
    case SLUICE_FIELD_STRING:
      w->string({f.v.s.ptr, f.v.s.len});
      break;
    default:
      w->null();
  }
}

}  // namespace

OwnedFields OwnedFields::copy_of(const sluice_field* f, uint32_t n) {
  OwnedFields out;
  size_t total = 0;
  for (uint32_t i = 0; i < n; ++i) {
    total += f[i].name.len;
    if (f[i].type == SLUICE_FIELD_STRING) total += f[i].v.s.len;
  }
  out.storage_.reserve(total);  // no reallocation below: offsets computed from one base
  out.fields_.assign(f, f + n);
  for (sluice_field& field : out.fields_) {
    field.reserved = 0;
    const size_t name_at = out.storage_.size();
    out.storage_.append(field.name.ptr ? field.name.ptr : "", field.name.len);
    field.name.ptr = out.storage_.data() + name_at;
    if (field.type == SLUICE_FIELD_STRING) {
      const size_t at = out.storage_.size();
      out.storage_.append(field.v.s.ptr ? field.v.s.ptr : "", field.v.s.len);
      field.v.s.ptr = out.storage_.data() + at;
    }
  }
  return out;
}

void OwnedFields::rebase(const char* old_base) {
  const char* base = storage_.data();
  for (sluice_field& field : fields_) {
    field.name.ptr = base + (field.name.ptr - old_base);
    if (field.type == SLUICE_FIELD_STRING) field.v.s.ptr = base + (field.v.s.ptr - old_base);
  }
}

OwnedFields::OwnedFields(const OwnedFields& other)
    : fields_(other.fields_), storage_(other.storage_) {
  rebase(other.storage_.data());
}

OwnedFields& OwnedFields::operator=(const OwnedFields& other) {
  if (this != &other) {
    fields_ = other.fields_;
    storage_ = other.storage_;
    rebase(other.storage_.data());
  }
  return *this;
}

OwnedFields::OwnedFields(OwnedFields&& other) noexcept : fields_(std::move(other.fields_)) {
  const char* old_base = other.storage_.data();
  storage_ = std::move(other.storage_);
  rebase(old_base);
  other.fields_.clear();
  other.storage_.clear();
}

OwnedFields& OwnedFields::operator=(OwnedFields&& other) noexcept {
  if (this != &other) {
    fields_ = std::move(other.fields_);
    const char* old_base = other.storage_.data();
    storage_ = std::move(other.storage_);
    rebase(old_base);
    other.fields_.clear();
    other.storage_.clear();
  }
  return *this;
}

bool OwnedFields::equals(const sluice_field* f, uint32_t n) const {
  if (n != fields_.size()) return false;
  for (const sluice_field& mine : fields_) {
    bool found = false;
    for (uint32_t i = 0; i < n; ++i) {
      if (name_of(f[i]) == name_of(mine)) {
        if (!same_value(mine, f[i])) return false;
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

std::string OwnedFields::to_json() const {
  std::string out;
  append_fields_json(fields_.data(), size(), &out);
  return out;
}

void append_fields_json(const sluice_field* f, uint32_t n, std::string* out) {
  // Sort indices, not fields: small arrays use the stack.
  std::array<uint32_t, 32> small{};
  std::vector<uint32_t> large;
  uint32_t* order = small.data();
  if (n > small.size()) {
    large.resize(n);
    order = large.data();
  }
  for (uint32_t i = 0; i < n; ++i) order[i] = i;
  std::sort(order, order + n,
            [f](uint32_t a, uint32_t b) { return name_of(f[a]) < name_of(f[b]); });
  JsonWriter w(out);
  w.begin_object();
  for (uint32_t k = 0; k < n; ++k) {
    const sluice_field& field = f[order[k]];
    w.key(name_of(field));
    write_field_value(field, &w);
  }
  w.end_object();
}

Status validate_fields(const sluice_field* f, uint32_t n) {
  if (n > 0 && f == nullptr) return Status::invalid_argument("field array is NULL");
  for (uint32_t i = 0; i < n; ++i) {
    if (f[i].name.len > 0 && f[i].name.ptr == nullptr) {
      return Status::invalid_argument("field " + std::to_string(i) + ": name pointer is NULL");
    }
    if (f[i].type > SLUICE_FIELD_STRING) {
      return Status::invalid_argument("field '" + std::string(name_of(f[i])) + "': unknown type " +
                                      std::to_string(f[i].type));
    }
    if (f[i].type == SLUICE_FIELD_STRING && f[i].v.s.len > 0 && f[i].v.s.ptr == nullptr) {
      return Status::invalid_argument("field '" + std::string(name_of(f[i])) +
                                      "': string pointer is NULL");
    }
    for (uint32_t j = 0; j < i; ++j) {
      if (name_of(f[j]) == name_of(f[i])) {
        return Status::invalid_argument("duplicate field name '" + std::string(name_of(f[i])) +
                                        "'");
      }
    }
  }
  return Status::ok();
}

Result<OwnedFields> OwnedFields::from_json(std::string_view json) {
  JsonDoc doc;
  SLUICE_RETURN_IF_ERROR(doc.parse(json));
  const JsonNode& root = doc.node(0);
  if (root.kind != JsonKind::kObject) {
    return Status::invalid_argument("expected a JSON object, got " +
                                    std::string(json_kind_name(root.kind)));
  }
  std::vector<sluice_field> fields;
  fields.reserve(root.count);
  uint32_t i = 1;
  for (uint32_t m = 0; m < root.count; ++m) {
    const JsonNode& key = doc.node(i);
    const JsonNode& value = doc.node(i + 1);
    sluice_field f{};
    f.name = {key.text.data(), key.text.size()};
    switch (value.kind) {
      case JsonKind::kNull:
        f.type = SLUICE_FIELD_NULL;
        break;
      case JsonKind::kTrue:
      case JsonKind::kFalse:
        f.type = SLUICE_FIELD_BOOLEAN;
        f.v.i = value.kind == JsonKind::kTrue ? 1 : 0;
        break;
      case JsonKind::kNumber:
        if (value.fits_int64) {
          f.type = SLUICE_FIELD_INT64;
          f.v.i = value.i;
        } else {
          f.type = SLUICE_FIELD_FLOAT64;
          f.v.f = value.f;
        }
        break;
      case JsonKind::kString:
        f.type = SLUICE_FIELD_STRING;
        f.v.s = {value.text.data(), value.text.size()};
        break;
      default:
        return Status::invalid_argument("member '" + std::string(key.text) +
                                        "': expected a primitive value, got " +
                                        std::string(json_kind_name(value.kind)));
    }
    fields.push_back(f);
    i = doc.next(i + 1);
  }
  SLUICE_RETURN_IF_ERROR(validate_fields(fields.data(), static_cast<uint32_t>(fields.size())));
  return copy_of(fields.data(), static_cast<uint32_t>(fields.size()));
}

}  // namespace sluice::data
