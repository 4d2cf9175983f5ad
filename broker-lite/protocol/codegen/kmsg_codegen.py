#!/usr/bin/env python3
"""Generates broker-lite's Kafka message codecs from the project's .kmsg definitions.

Usage: kmsg_codegen.py --out DIR FILE.kmsg...
Writes DIR/broker-lite/protocol/messages.h, messages.cc and messages_testing.h.
The .kmsg format is described in docs/formats/message-definitions.md. Standard library only.
"""

import argparse
import os
import re
import sys

MAX_VERSION = 0x7FFF

PRIMITIVES = {
    # kmsg type: (C++ type, reader call, writer call, fixed size or None, default literal)
    "bool": ("bool", "read_bool()", "write_bool", 1, "false"),
    "int8": ("int8_t", "read_int8()", "write_int8", 1, "0"),
    "int16": ("int16_t", "read_int16()", "write_int16", 2, "0"),
    "int32": ("int32_t", "read_int32()", "write_int32", 4, "0"),
    "int64": ("int64_t", "read_int64()", "write_int64", 8, "0"),
    "uint16": ("uint16_t", "read_uint16()", "write_uint16", 2, "0"),
    "uint32": ("uint32_t", "read_uint32()", "write_uint32", 4, "0"),
    "float64": ("double", "read_float64()", "write_float64", 8, "0"),
    "uuid": ("Uuid", "read_uuid()", "write_uuid", 16, None),
}
VARIABLE = ("string", "bytes", "records")
CPP_KEYWORDS = {"default", "delete", "new", "class", "template", "operator", "namespace", "union",
                "private", "public", "protected", "register", "switch", "case", "this", "throw"}


class KmsgError(Exception):
    pass


class VersionRange:
    def __init__(self, lo, hi):
        self.lo, self.hi = lo, hi

    @staticmethod
    def parse(text, where):
        m = re.fullmatch(r"(\d+)(\.\.(\d+)?)?", text)
        if not m:
            raise KmsgError(f"{where}: bad version range '{text}'")
        lo = int(m.group(1))
        if m.group(2) is None:
            hi = lo
        elif m.group(3) is None:
            hi = MAX_VERSION
        else:
            hi = int(m.group(3))
        if hi < lo:
            raise KmsgError(f"{where}: empty version range '{text}'")
        return VersionRange(lo, hi)

    def intersect(self, other):
        return VersionRange(max(self.lo, other.lo), min(self.hi, other.hi))

    def empty(self):
        return self.lo > self.hi

    def covers(self, other):
        return self.lo <= other.lo and self.hi >= other.hi

    def contains(self, v):
        return self.lo <= v <= self.hi

    def condition(self, within, var="v"):
        """C++ test for 'var in self', simplified knowing that var is always in `within`."""
        parts = []
        if self.lo > within.lo:
            parts.append(f"{var} >= {self.lo}")
        if self.hi < within.hi:
            parts.append(f"{var} <= {self.hi}")
        if self.lo == self.hi and len(parts) == 2:
            return f"{var} == {self.lo}"
        return " && ".join(parts)


class Field:
    def __init__(self, name, type_text, line_no):
        self.name = name
        self.type_text = type_text
        self.line_no = line_no
        self.versions = None  # VersionRange, clipped to the message's range later
        self.nullable = None  # VersionRange or None
        self.nullable_all = False
        self.tag = None
        self.default = None
        self.children = []
        self.is_array = type_text.startswith("[")
        inner = type_text[1:-1] if self.is_array else type_text
        if self.is_array and not type_text.endswith("]"):
            raise KmsgError(f"line {line_no}: bad array type '{type_text}'")
        self.elem = inner  # element type name (primitive or struct)
        self.is_struct = inner not in PRIMITIVES and inner not in VARIABLE
        if self.is_struct and not re.fullmatch(r"[A-Z][A-Za-z0-9]*", inner):
            raise KmsgError(f"line {line_no}: unknown type '{inner}'")


class Struct:
    def __init__(self, name):
        self.name = name
        self.fields = []


class Message:
    def __init__(self, kind, name, api):
        self.kind, self.name, self.api = kind, name, api
        self.root = Struct(name)
        self.structs = {}  # name -> Struct (nested ones only)
        self.shared = {}  # structs declared with 'struct'


class Api:
    def __init__(self, key, name, versions, flex_from, path):
        self.key, self.name, self.versions, self.flex_from, self.path = (key, name, versions,
                                                                          flex_from, path)
        self.messages = []


def strip_comment(line):
    out, in_quote = [], False
    for ch in line:
        if ch == '"':
            in_quote = not in_quote
        if ch == "#" and not in_quote:
            break
        out.append(ch)
    return "".join(out).rstrip()


def parse_attrs(field, tokens, where):
    for tok in tokens:
        if tok.startswith("@"):
            field.versions = VersionRange.parse(tok[1:], where)
        elif tok == "null":
            field.nullable_all = True
        elif tok.startswith("null@"):
            field.nullable = VersionRange.parse(tok[5:], where)
        elif tok.startswith("tag="):
            field.tag = int(tok[4:])
        elif tok.startswith("default="):
            field.default = tok[8:]
        else:
            raise KmsgError(f"{where}: unknown attribute '{tok}'")


def tokenize(text, where):
    tokens = re.findall(r'default="[^"]*"|\S+', text)
    if not tokens:
        raise KmsgError(f"{where}: empty line")
    return tokens


def parse_file(path):
    api = None
    message = None
    stack = []  # (indent level, list of fields to append to, Field owning the list or None)
    with open(path, encoding="utf-8") as f:
        lines = f.readlines()
    for no, raw in enumerate(lines, 1):
        where = f"{os.path.basename(path)}:{no}"
        line = strip_comment(raw.rstrip("\n"))
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip(" "))
        if indent % 2:
            raise KmsgError(f"{where}: indentation must be a multiple of two spaces")
        level = indent // 2
        tokens = tokenize(line.strip(), where)
        if level == 0:
            head = tokens[0]
            if head == "api":
                m = re.fullmatch(r"api (\d+) ([A-Z]\w*) versions (\S+) flexible (\S+)",
                                 " ".join(tokens))
                if not m:
                    raise KmsgError(f"{where}: expected 'api KEY Name versions A..B flexible V..'")
                flex = -1 if m.group(4) == "never" else VersionRange.parse(m.group(4), where).lo
                api = Api(int(m.group(1)), m.group(2), VersionRange.parse(m.group(3), where),
                          flex, path)
            elif head in ("request", "response"):
                if api is None or len(tokens) != 2:
                    raise KmsgError(f"{where}: '{head} Name' must follow an api line")
                message = Message(head, tokens[1], api)
                api.messages.append(message)
                stack = [(1, message.root.fields)]
            elif head == "struct":
                if message is None or len(tokens) != 2:
                    raise KmsgError(f"{where}: 'struct Name' must follow a request or response")
                s = Struct(tokens[1])
                message.shared[s.name] = s
                stack = [(1, s.fields)]
            else:
                raise KmsgError(f"{where}: unknown statement '{head}'")
            continue
        if not stack:
            raise KmsgError(f"{where}: field outside a message")
        while stack and stack[-1][0] > level:
            stack.pop()
        if not stack or stack[-1][0] != level:
            raise KmsgError(f"{where}: unexpected indentation")
        if len(tokens) < 2:
            raise KmsgError(f"{where}: expected 'name type [attributes]'")
        name, type_text = tokens[0], tokens[1]
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name) or name in CPP_KEYWORDS:
            raise KmsgError(f"{where}: field name '{name}' must be snake_case, not a keyword")
        field = Field(name, type_text, no)
        parse_attrs(field, tokens[2:], where)
        stack[-1][1].append(field)
        stack.append((level + 1, field.children))
    if api is None or len(api.messages) != 2:
        raise KmsgError(f"{path}: needs an api line, one request and one response")
    for message in api.messages:
        resolve(message, message.root, api.versions, path)
    return api


def resolve(message, struct, within, path):
    """Clips version ranges, registers nested structs and checks the definitions."""
    seen = set()
    for field in struct.fields:
        where = f"{os.path.basename(path)}:{field.line_no}"
        if field.name in seen:
            raise KmsgError(f"{where}: duplicate field '{field.name}'")
        seen.add(field.name)
        field.versions = (field.versions or VersionRange(0, MAX_VERSION)).intersect(within)
        if field.versions.empty():
            raise KmsgError(f"{where}: field '{field.name}' exists in no version")
        if field.nullable_all:
            field.nullable = field.versions
        if field.nullable is not None:
            field.nullable = field.nullable.intersect(field.versions)
            if field.nullable.empty():
                field.nullable = None
            elif field.elem in PRIMITIVES and not field.is_array:
                raise KmsgError(f"{where}: {field.elem} cannot be nullable")
        if field.elem == "records" and not field.is_array:
            field.nullable = field.versions  # RecordsRef carries its own null flag
        if field.tag is not None:
            flex = message.api.flex_from
            if flex < 0 or field.versions.lo < flex:
                raise KmsgError(f"{where}: tagged field '{field.name}' outside flexible versions")
        if field.is_struct:
            if field.children:
                if field.elem in message.structs or field.elem in message.shared:
                    raise KmsgError(f"{where}: struct '{field.elem}' defined twice")
                s = Struct(field.elem)
                s.fields = field.children
                message.structs[s.name] = s
                resolve(message, s, field.versions, path)
            elif field.elem in message.shared:
                s = message.shared[field.elem]
                if s.name not in message.structs:
                    message.structs[s.name] = s
                    resolve(message, s, message.api.versions, path)
            else:
                raise KmsgError(f"{where}: struct '{field.elem}' has no fields")
        elif field.children:
            raise KmsgError(f"{where}: only struct fields have children")


# ------------------------------------------------------------------------------------------------
# C++ types, defaults and minimum sizes


def is_nullable(field):
    return field.nullable is not None and field.elem != "records"


def elem_cpp(field):
    if field.is_struct:
        return field.elem
    if field.elem in PRIMITIVES:
        return PRIMITIVES[field.elem][0]
    return {"string": "std::string", "bytes": "std::span<const uint8_t>",
            "records": "RecordsRef"}[field.elem]


def cpp_type(field):
    t = elem_cpp(field)
    if field.is_array:
        t = f"std::vector<{t}>"
    if is_nullable(field):
        t = f"std::optional<{t}>"
    return t


def int_literal(text, cpp):
    value = int(text, 0)
    if cpp == "int32_t" and value == -(2**31):
        return "(-2147483647 - 1)"
    if cpp == "int64_t" and value == -(2**63):
        return "(-9223372036854775807LL - 1)"
    return str(value)


def default_expr(field):
    """The C++ expression of the field's default value, or None for value-initialisation."""
    d = field.default
    if field.is_array or field.is_struct or field.elem in ("bytes", "records", "uuid"):
        if d not in (None, "null") or (d == "null" and not is_nullable(field)):
            raise KmsgError(f"line {field.line_no}: unsupported default for '{field.name}'")
        return None
    if field.elem == "string":
        if d is None or d == "null":
            if d == "null" and not is_nullable(field):
                raise KmsgError(f"line {field.line_no}: null default on a non-nullable string")
            return None
        if not (d.startswith('"') and d.endswith('"')):
            raise KmsgError(f"line {field.line_no}: string default must be quoted")
        return f"std::string({d})" if is_nullable(field) else d
    cpp = PRIMITIVES[field.elem][0]
    if d is None:
        return None
    if field.elem == "bool":
        if d not in ("true", "false"):
            raise KmsgError(f"line {field.line_no}: bool default must be true or false")
        return d
    return int_literal(d, cpp)


def non_default_test(field, var):
    """C++ expression that is true when var differs from the field's default."""
    d = default_expr(field)
    if field.is_array or is_nullable(field) and d is None:
        return f"{var}.has_value()" if is_nullable(field) else f"!{var}.empty()"
    if field.is_struct:
        return f"!{var}.is_default()"
    if field.elem == "records":
        return f"!{var}.is_null"
    if field.elem == "bytes":
        return f"!{var}.empty()"
    if field.elem == "uuid":
        return f"{var} != Uuid{{}}"
    if field.elem == "string" and d is None:
        return f"!{var}.empty()"
    return f"{var} != {d if d is not None else PRIMITIVES[field.elem][4]}"


def elem_min_size(message, field, v):
    flex = message.api.flex_from >= 0 and v >= message.api.flex_from
    if field.is_struct:
        return struct_min_size(message, message.structs[field.elem], v)
    if field.elem in PRIMITIVES:
        return PRIMITIVES[field.elem][3]
    if field.elem == "string":
        return 1 if flex else 2
    return 1 if flex else 4


def struct_min_size(message, struct, v):
    flex = message.api.flex_from >= 0 and v >= message.api.flex_from
    total = 1 if flex else 0
    for field in struct.fields:
        if not field.versions.contains(v) or field.tag is not None:
            continue
        if field.is_array:
            total += 1 if flex else 4
        else:
            total += elem_min_size(message, field, v)
    return total


def array_min_elem(message, field):
    versions = range(field.versions.lo, min(field.versions.hi, message.api.versions.hi) + 1)
    return max(1, min(elem_min_size(message, field, v) for v in versions))


# ------------------------------------------------------------------------------------------------
# Code emission


class Out:
    def __init__(self):
        self.lines = []

    def __call__(self, text="", indent=0):
        self.lines.append(("  " * indent + text) if text else "")

    def text(self):
        return "\n".join(self.lines) + "\n"


def struct_order(message):
    """Nested structs in dependency order (a struct before the structs that contain it)."""
    order, done = [], set()

    def visit(struct):
        for field in struct.fields:
            if field.is_struct and field.elem not in done:
                done.add(field.elem)
                visit(message.structs[field.elem])
                order.append(message.structs[field.elem])

    visit(message.root)
    return order


def tagged_struct_names(message):
    names = set()
    for s in [message.root] + list(message.structs.values()):
        for field in s.fields:
            if field.tag is not None and field.is_struct and not field.is_array:
                names.add(field.elem)
    return names


def emit_struct_decl(out, message, struct, indent, needs_is_default):
    out(f"struct {struct.name} {{", indent)
    for field in struct.fields:
        d = default_expr(field)
        init = f" = {d}" if d is not None else ("{}" if field.elem == "uuid" and
                                                 not field.is_array else "")
        if d is None and not field.is_array and not is_nullable(field) and \
                field.elem in PRIMITIVES and field.elem != "uuid":
            init = f" = {PRIMITIVES[field.elem][4]}"
        out(f"{cpp_type(field)} {field.name}{init};", indent + 1)
    if needs_is_default:
        out("bool is_default() const;", indent + 1)
    out("sluice::Status decode(WireReader& r, int16_t version);", indent + 1)
    out("void encode(WireWriter& w, int16_t version) const;", indent + 1)
    out("};", indent)


def emit_header(apis):
    out = Out()
    out("// GENERATED by broker-lite/protocol/codegen/kmsg_codegen.py from")
    out("// broker-lite/protocol/messages/*.kmsg. Do not edit; edit the definitions instead.")
    out("// Kafka request and response bodies as plain structs with version-aware codecs; see")
    out("// docs/formats/message-definitions.md for the naming and type rules.")
    out("#pragma once")
    out()
    for inc in ("<array>", "<cstdint>", "<optional>", "<span>", "<string>", "<vector>"):
        out(f"#include {inc}")
    out()
    out('#include "broker-lite/protocol/request_header.h"')
    out('#include "broker-lite/protocol/wire.h"')
    out('#include "broker-lite/util/status.h"')
    out()
    out("namespace sluice::kafka {")
    out()
    for api in apis:
        for message in api.messages:
            tagged = tagged_struct_names(message)
            out(f"// {api.name} {message.kind} (API key {api.key}), versions "
                f"{api.versions.lo}..{api.versions.hi}.")
            out(f"struct {message.name} {{")
            out(f"static constexpr int16_t kApiKey = {api.key};", 1)
            out(f"static constexpr int16_t kMinVersion = {api.versions.lo};", 1)
            out(f"static constexpr int16_t kMaxVersion = {api.versions.hi};", 1)
            out(f"static constexpr int16_t kFirstFlexibleVersion = {api.flex_from};", 1)
            out(f'static constexpr const char* kName = "{message.name}";', 1)
            out()
            for s in struct_order(message):
                emit_struct_decl(out, message, s, 1, s.name in tagged)
                out()
            for field in message.root.fields:
                d = default_expr(field)
                init = ""
                if d is not None:
                    init = f" = {d}"
                elif field.elem in PRIMITIVES and not field.is_array and field.elem != "uuid":
                    init = f" = {PRIMITIVES[field.elem][4]}"
                elif field.elem == "uuid" and not field.is_array:
                    init = "{}"
                out(f"{cpp_type(field)} {field.name}{init};", 1)
            out()
            out("// Body only. Errors name the message, the version and the field path.", 1)
            out("sluice::Status decode(WireReader& r, int16_t version);", 1)
            out("void encode(WireWriter& w, int16_t version) const;", 1)
            out("};")
            out()
    out("// X(key, Name) for every API with generated codecs, in key order.")
    out("#define SLUICE_KAFKA_APIS(X) \\")
    for i, api in enumerate(apis):
        tail = " \\" if i + 1 < len(apis) else ""
        out(f"  X({api.key}, {api.name}){tail}")
    out()
    out("}  // namespace sluice::kafka")
    return out.text()


class StructEmitter:
    def __init__(self, message, struct, qual):
        self.m = message
        self.s = struct
        self.qual = qual
        self.all = message.api.versions if struct is message.root else None

    def within(self, field):
        return self.m.api.versions

    def read_scalar(self, field, r, nullable_cond):
        """Expression reading one non-array value of `field` (never a struct)."""
        e = field.elem
        if e in PRIMITIVES:
            return f"{r}.{PRIMITIVES[e][1]}"
        if e == "records":
            return f"{r}.read_records(flex)"
        if e == "string":
            if nullable_cond is False:
                return f"{r}.read_string(flex)"
            if nullable_cond is True:
                return f"{r}.read_nullable_string(flex)"
            return (f"({nullable_cond}) ? {r}.read_nullable_string(flex) : "
                    f"std::optional<std::string>({r}.read_string(flex))")
        if e == "bytes":
            if nullable_cond is False:
                return f"{r}.read_bytes(flex)"
            if nullable_cond is True:
                return f"{r}.read_nullable_bytes(flex)"
            return (f"({nullable_cond}) ? {r}.read_nullable_bytes(flex) : "
                    f"std::optional<std::span<const uint8_t>>({r}.read_bytes(flex))")
        raise KmsgError(f"cannot read {e}")

    def nullable_cond(self, field):
        if not is_nullable(field):
            return False
        if field.nullable.covers(field.versions):
            return True
        return field.nullable.condition(VersionRange(0, MAX_VERSION))

    def decode_field(self, out, field, r, ind):
        """Statements decoding `field` from reader `r`; on error return a Status."""
        name = field.name
        err = f'return field_error({r}, "{name}");'
        ncond = self.nullable_cond(field)
        if field.is_array:
            nullable = "true" if ncond is True else ("false" if ncond is False else f"({ncond})")
            out("{", ind)
            out(f"const int32_t n = {r}.read_array_length(flex, {nullable}, "
                f"{array_min_elem(self.m, field)});", ind + 1)
            out(f"if (!{r}.ok()) {err}", ind + 1)
            target = name
            if is_nullable(field):
                out("if (n < 0) {", ind + 1)
                out(f"{name}.reset();", ind + 2)
                out("} else {", ind + 1)
                out(f"{name}.emplace();", ind + 2)
                target = f"(*{name})"
                ind2 = ind + 2
            else:
                ind2 = ind + 1
            out(f"{target}.resize(static_cast<size_t>(n));", ind2)
            if field.is_struct:
                out("for (int32_t i = 0; i < n; ++i) {", ind2)
                out(f"sluice::Status s = {target}[i].decode({r}, v);", ind2 + 1)
                out(f'if (!s.is_ok()) return element_error(s, "{name}", i);', ind2 + 1)
                out("}", ind2)
            else:
                out(f"for (auto& e : {target}) e = {self.read_scalar(field, r, False)};", ind2)
                out(f"if (!{r}.ok()) {err}", ind2)
            if is_nullable(field):
                out("}", ind + 1)
            out("}", ind)
        elif field.is_struct:
            out("{", ind)
            out(f"sluice::Status s = {name}.decode({r}, v);", ind + 1)
            out(f'if (!s.is_ok()) return s.with_context("{name}");', ind + 1)
            out("}", ind)
        else:
            out(f"{name} = {self.read_scalar(field, r, ncond)};", ind)
            out(f"if (!{r}.ok()) {err}", ind)

    def write_scalar(self, field, w, var, ncond):
        e = field.elem
        if e in PRIMITIVES:
            return f"{w}.{PRIMITIVES[e][2]}({var});"
        if e == "records":
            return f"{w}.write_records({var}, flex);"
        kind = "string" if e == "string" else "bytes"
        if ncond is False:
            return f"{w}.write_{kind}({var}, flex);"
        if ncond is True:
            return f"{w}.write_nullable_{kind}({var}, flex);"
        empty = '""' if kind == "string" else "std::span<const uint8_t>()"
        return (f"if ({var} || ({ncond})) {w}.write_nullable_{kind}({var}, flex); "
                f"else {w}.write_{kind}({empty}, flex);")

    def encode_field(self, out, field, w, ind):
        name = field.name
        ncond = self.nullable_cond(field)
        if field.is_array:
            if is_nullable(field):
                out(f"if (!{name}) {{", ind)
                if ncond is True:
                    out(f"{w}.write_array_length(-1, flex);", ind + 1)
                else:
                    out(f"{w}.write_array_length(({ncond}) ? -1 : 0, flex);", ind + 1)
                out("} else {", ind)
                src = f"(*{name})"
                ind2 = ind + 1
            else:
                src = name
                ind2 = ind
            out(f"{w}.write_array_length(static_cast<int32_t>({src}.size()), flex);", ind2)
            if field.is_struct:
                out(f"for (const auto& e : {src}) e.encode({w}, v);", ind2)
            else:
                out(f"for (const auto& e : {src}) {self.write_scalar(field, w, 'e', False)}", ind2)
            if is_nullable(field):
                out("}", ind)
        elif field.is_struct:
            out(f"{name}.encode({w}, v);", ind)
        else:
            out(self.write_scalar(field, w, name, ncond), ind)

    def guarded(self, out, field, ind, body):
        cond = field.versions.condition(self.m.api.versions)
        if cond:
            out(f"if ({cond}) {{", ind)
            body(ind + 1)
            out("}", ind)
        else:
            body(ind)

    def emit_decode(self, out):
        top = self.s is self.m.root
        out(f"sluice::Status {self.qual}::decode(WireReader& r, int16_t v) {{")
        ind = 1
        if top:
            out("if (v < kMinVersion || v > kMaxVersion) return bad_version(kName, v);", 1)
            out("sluice::Status s = [&]() -> sluice::Status {", 1)
            ind = 2
        out(f"const bool flex = {self.flex_expr()};", ind)
        out("(void)flex;", ind)
        out("(void)v;", ind)
        tagged = sorted((f for f in self.s.fields if f.tag is not None), key=lambda f: f.tag)
        for field in self.s.fields:
            if field.tag is None:
                self.guarded(out, field, ind, lambda i, f=field: self.decode_field(out, f, "r", i))
        if self.m.api.flex_from >= 0:
            out("if (flex) {", ind)
            if not tagged:
                out("r.skip_tagged_fields();", ind + 1)
                out('if (!r.ok()) return field_error(r, "tagged fields");', ind + 1)
            else:
                out("const uint32_t count = r.read_unsigned_varint();", ind + 1)
                out("for (uint32_t i = 0; i < count && r.ok(); ++i) {", ind + 1)
                out("const uint32_t tag = r.read_unsigned_varint();", ind + 2)
                out("WireReader t = r.sub_reader(r.read_unsigned_varint());", ind + 2)
                out("if (!r.ok()) break;", ind + 2)
                out("switch (tag) {", ind + 2)
                for field in tagged:
                    out(f"case {field.tag}:", ind + 3)
                    cond = field.versions.condition(self.m.api.versions)
                    if cond:
                        out(f"if (!({cond})) break;", ind + 4)
                    self.decode_field(out, field, "t", ind + 4)
                    out("break;", ind + 4)
                out("default:", ind + 3)
                out("break;  // unknown tags are skipped", ind + 4)
                out("}", ind + 2)
                out("}", ind + 1)
                out('if (!r.ok()) return field_error(r, "tagged fields");', ind + 1)
            out("}", ind)
        out("return sluice::Status::ok();", ind)
        if top:
            out("}();", 1)
            out("return s.is_ok() ? s : s.with_context(message_context(kName, v));", 1)
        out("}")
        out()

    def flex_expr(self):
        f = self.m.api.flex_from
        if f < 0:
            return "false"
        if f <= self.m.api.versions.lo:
            return "true"
        return f"v >= {f}"

    def emit_encode(self, out):
        top = self.s is self.m.root
        out(f"void {self.qual}::encode(WireWriter& w, int16_t v) const {{")
        if top:
            out("if (v < kMinVersion || v > kMaxVersion) {", 1)
            out('w.fail(std::string(kName) + ": cannot encode version " + std::to_string(v));', 2)
            out("return;", 2)
            out("}", 1)
        out(f"const bool flex = {self.flex_expr()};", 1)
        out("(void)flex;", 1)
        out("(void)v;", 1)
        for field in self.s.fields:
            if field.tag is None:
                self.guarded(out, field, 1, lambda i, f=field: self.encode_field(out, f, "w", i))
        if self.m.api.flex_from >= 0:
            tagged = sorted((f for f in self.s.fields if f.tag is not None), key=lambda f: f.tag)
            out("if (flex) {", 1)
            if not tagged:
                out("w.write_unsigned_varint(0);", 2)
            else:
                for field in tagged:
                    cond = field.versions.condition(self.m.api.versions)
                    test = non_default_test(field, field.name)
                    full = f"({cond}) && {test}" if cond else test
                    out(f"const bool has_{field.tag} = {full};", 2)
                count = " + ".join(f"has_{f.tag}" for f in tagged)
                out(f"w.write_unsigned_varint(static_cast<uint32_t>({count}));", 2)
                for field in tagged:
                    out(f"if (has_{field.tag}) {{", 2)
                    out("WireWriter t;", 3)
                    self.encode_field(out, field, "t", 3)
                    out(f"w.write_unsigned_varint({field.tag});", 3)
                    out("w.write_unsigned_varint(static_cast<uint32_t>(t.size()));", 3)
                    out("w.append_writer(t);", 3)
                    out("}", 2)
            out("}", 1)
        out("}")
        out()

    def emit_is_default(self, out):
        out(f"bool {self.qual}::is_default() const {{")
        tests = [non_default_test(f, f.name) for f in self.s.fields]
        out("return !(" + (" || ".join(f"({t})" for t in tests) or "false") + ");", 1)
        out("}")
        out()


def emit_source(apis):
    out = Out()
    out("// GENERATED by broker-lite/protocol/codegen/kmsg_codegen.py. Do not edit.")
    out("// Codecs of the structs in messages.h, the API table and the re-encoding helpers.")
    out('#include "broker-lite/protocol/messages.h"')
    out()
    out("#include <string>")
    out()
    out("namespace sluice::kafka {")
    out("namespace {")
    out()
    out("sluice::Status field_error(const WireReader& r, const char* field) {")
    out('return sluice::Status::invalid_argument(std::string(field) + ": " + r.error());', 1)
    out("}")
    out()
    out("sluice::Status element_error(const sluice::Status& s, const char* field, int32_t i) {")
    out('return s.with_context(std::string(field) + "[" + std::to_string(i) + "]");', 1)
    out("}")
    out()
    out("std::string message_context(const char* name, int16_t v) {")
    out('return std::string(name) + " v" + std::to_string(v);', 1)
    out("}")
    out()
    out("sluice::Status bad_version(const char* name, int16_t v) {")
    out('return sluice::Status::unsupported(std::string(name) + ": version " + std::to_string(v) +',
        1)
    out('                                   " is not supported");', 1)
    out("}")
    out()
    out("template <typename M>")
    out("sluice::Result<std::vector<uint8_t>> reencode(int16_t version, "
        "std::span<const uint8_t> body) {")
    out("M m;", 1)
    out("WireReader r(body);", 1)
    out("SLUICE_RETURN_IF_ERROR(m.decode(r, version));", 1)
    out("if (r.remaining() != 0) {", 1)
    out("return sluice::Status::invalid_argument(message_context(M::kName, version) + \": \" +", 2)
    out("                                        std::to_string(r.remaining()) + "
        "\" trailing bytes\");", 2)
    out("}", 1)
    out("WireWriter w;", 1)
    out("m.encode(w, version);", 1)
    out("if (!w.ok()) return sluice::Status::invalid_argument(w.error());", 1)
    out("return w.flatten();", 1)
    out("}")
    out()
    out("}  // namespace")
    out()
    for api in apis:
        for message in api.messages:
            tagged = tagged_struct_names(message)
            for s in struct_order(message) + [message.root]:
                qual = message.name if s is message.root else f"{message.name}::{s.name}"
                e = StructEmitter(message, s, qual)
                if s.name in tagged:
                    e.emit_is_default(out)
                e.emit_decode(out)
                e.emit_encode(out)
    out("namespace {")
    out("constexpr ApiDescriptor kApis[] = {")
    for api in apis:
        out(f'{{{api.key}, "{api.name}", {api.versions.lo}, {api.versions.hi}, {api.flex_from}}},',
            1)
    out("};")
    out("}  // namespace")
    out()
    out("std::span<const ApiDescriptor> all_apis() { return kApis; }")
    out()
    out("const ApiDescriptor* find_api(int16_t key) {")
    out("for (const ApiDescriptor& api : kApis) {", 1)
    out("if (api.key == key) return &api;", 2)
    out("}", 1)
    out("return nullptr;", 1)
    out("}")
    out()
    for kind in ("request", "response"):
        suffix = kind.capitalize()
        out(f"sluice::Result<std::vector<uint8_t>> reencode_{kind}(int16_t api_key, "
            f"int16_t api_version,")
        out("                                                    std::span<const uint8_t> body) {")
        out("switch (api_key) {", 1)
        for api in apis:
            out(f"case {api.key}:", 2)
            out(f"return reencode<{api.name}{suffix}>(api_version, body);", 3)
        out("default:", 2)
        out('return sluice::Status::unsupported("unknown api key " + std::to_string(api_key));', 3)
        out("}", 1)
        out("}")
        out()
    out("}  // namespace sluice::kafka")
    return out.text()


def emit_testing(apis):
    """Header-only helpers for the unit tests: sample values and deep equality per struct."""
    out = Out()
    out("// GENERATED by broker-lite/protocol/codegen/kmsg_codegen.py. Do not edit.")
    out("// Test helpers: testing_fill() sets every field present at a version to a sample value")
    out("// chosen by a SampleSource; testing_equal() compares two structs field by field.")
    out("#pragma once")
    out()
    out("#include <cstring>")
    out("#include <string>")
    out()
    out('#include "broker-lite/protocol/messages.h"')
    out()
    out("namespace sluice::kafka {")
    out()
    out("// Deterministic sample values. mode 0: present values, arrays of one element;")
    out("// mode 1: nulls wherever allowed, empty arrays; mode 2: pseudo-random mixture.")
    out("struct SampleSource {")
    out("uint64_t state;", 1)
    out("int mode;", 1)
    out("uint64_t next() {", 1)
    out("state = state * 6364136223846793005ULL + 1442695040888963407ULL;", 2)
    out("return state >> 17;", 2)
    out("}", 1)
    out("bool null() { return mode == 1 || (mode == 2 && next() % 3 == 0); }", 1)
    out("size_t count() { return mode == 1 ? 0 : (mode == 0 ? 1 : next() % 3); }", 1)
    out("std::span<const uint8_t> bytes() {", 1)
    out("static const uint8_t pool[32] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,",
        2)
    out("                                 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30,",
        2)
    out("                                 31, 32};", 2)
    out("return {pool + next() % 16, static_cast<size_t>(next() % 17)};", 2)
    out("}", 1)
    out("void fill(bool& x) { x = next() % 2 == 1; }", 1)
    out("template <typename T>", 1)
    out("  requires std::is_integral_v<T>", 1)
    out("void fill(T& x) {", 1)
    out("x = static_cast<T>(next());", 2)
    out("}", 1)
    out("void fill(double& x) { x = static_cast<double>(next() % 1000) / 8.0; }", 1)
    out("void fill(Uuid& x) {", 1)
    out("for (auto& b : x) b = static_cast<uint8_t>(next());", 2)
    out("}", 1)
    out("void fill(std::string& x) { x = \"s\" + std::to_string(next() % 100000); }", 1)
    out("void fill(std::span<const uint8_t>& x) { x = bytes(); }", 1)
    out("void fill(RecordsRef& x) {", 1)
    out("x = RecordsRef{};", 2)
    out("if (null()) return;", 2)
    out("auto b = bytes();", 2)
    out("x.data = b.data();", 2)
    out("x.size = b.size();", 2)
    out("x.is_null = false;", 2)
    out("}", 1)
    out("};")
    out()
    out("inline bool testing_equal(const std::string& a, const std::string& b) { return a == b; }")
    out("inline bool testing_equal(const Uuid& a, const Uuid& b) { return a == b; }")
    out("inline bool testing_equal(double a, double b) { return std::memcmp(&a, &b, 8) == 0; }")
    out("template <typename T>")
    out("  requires std::is_integral_v<T>")
    out("bool testing_equal(T a, T b) {")
    out("return a == b;", 1)
    out("}")
    out("inline bool testing_equal(std::span<const uint8_t> a, std::span<const uint8_t> b) {")
    out("return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size()) "
        "== 0);", 1)
    out("}")
    out("inline bool testing_equal(const RecordsRef& a, const RecordsRef& b) {")
    out("return a.is_null == b.is_null && testing_equal(a.bytes(), b.bytes());", 1)
    out("}")
    all_structs = []
    for api in apis:
        for message in api.messages:
            for s in struct_order(message) + [message.root]:
                qual = message.name if s is message.root else f"{message.name}::{s.name}"
                all_structs.append((message, s, qual))
    for _, _, qual in all_structs:
        out(f"inline bool testing_equal(const {qual}& a, const {qual}& b);")
        out(f"inline void testing_fill({qual}& m, int16_t v, SampleSource& g);")
    out("template <typename T>")
    out("bool testing_equal(const std::vector<T>& a, const std::vector<T>& b) {")
    out("if (a.size() != b.size()) return false;", 1)
    out("for (size_t i = 0; i < a.size(); ++i) {", 1)
    out("if (!testing_equal(a[i], b[i])) return false;", 2)
    out("}", 1)
    out("return true;", 1)
    out("}")
    out("template <typename T>")
    out("bool testing_equal(const std::optional<T>& a, const std::optional<T>& b) {")
    out("if (a.has_value() != b.has_value()) return false;", 1)
    out("return !a || testing_equal(*a, *b);", 1)
    out("}")
    out()
    for message, s, qual in all_structs:
        out(f"inline bool testing_equal(const {qual}& a, const {qual}& b) {{")
        for f in s.fields:
            out(f"if (!testing_equal(a.{f.name}, b.{f.name})) return false;", 1)
        out("return true;", 1)
        out("}")
        out(f"inline void testing_fill({qual}& m, int16_t v, SampleSource& g) {{")
        out("(void)v;", 1)
        out("(void)g;", 1)
        for f in s.fields:
            cond = f.versions.condition(message.api.versions)
            out(f"if ({cond or 'true'}) {{", 1)
            ncond = StructEmitter(message, s, qual).nullable_cond(f)
            if is_nullable(f):
                nc = "true" if ncond is True else f"({ncond})"
                out(f"if ({nc} && g.null()) {{", 2)
                out(f"m.{f.name}.reset();", 3)
                out("} else {", 2)
                out(f"m.{f.name}.emplace();", 3)
                target = f"(*m.{f.name})"
                ind = 3
            else:
                target = f"m.{f.name}"
                ind = 2
            if f.is_array:
                out(f"{target}.resize(g.count());", ind)
                if f.is_struct:
                    out(f"for (auto& e : {target}) testing_fill(e, v, g);", ind)
                else:
                    out(f"for (auto& e : {target}) g.fill(e);", ind)
            elif f.is_struct:
                out(f"testing_fill({target}, v, g);", ind)
            else:
                out(f"g.fill({target});", ind)
            if is_nullable(f):
                out("}", 2)
            out("}", 1)
        out("}")
        out()
    out("}  // namespace sluice::kafka")
    return out.text()


def write_if_changed(path, text):
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            if f.read() == text:
                return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", required=True, help="output root (include directory)")
    parser.add_argument("files", nargs="+")
    args = parser.parse_args()
    try:
        apis = sorted((parse_file(p) for p in args.files), key=lambda a: a.key)
        keys = [a.key for a in apis]
        if len(set(keys)) != len(keys):
            raise KmsgError("two definitions share an API key")
        base = os.path.join(args.out, "broker-lite", "protocol")
        write_if_changed(os.path.join(base, "messages.h"), emit_header(apis))
        write_if_changed(os.path.join(base, "messages.cc"), emit_source(apis))
        write_if_changed(os.path.join(base, "messages_testing.h"), emit_testing(apis))
    except KmsgError as e:
        print(f"kmsg_codegen: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
