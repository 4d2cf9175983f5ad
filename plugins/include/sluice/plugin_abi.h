/* Sluice plugin ABI 1.0: the plain-C contract between the worker (the host) and a plugin shared
 * library. Normative description: docs/formats/plugin-abi.md. This header depends on nothing
 * but <stdint.h> and compiles as C11 and as C++; the C++ SDK (sluice/sdk.h) is a layer on top.
 *
 * Ownership in one paragraph: arguments are borrowed for the duration of a call; results handed
 * back through out-parameters are lent by the callee until its next call of the same function on
 * the same handle (or until that handle is stopped/destroyed). Memory is never freed by the side
 * that did not allocate it. Static descriptor data (names, key tables, hook tables) lives as
 * long as the library, which is never unloaded. */
#ifndef SLUICE_PLUGIN_ABI_H_
#define SLUICE_PLUGIN_ABI_H_

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- 1. Versioning ------------------------------------------------------------------------ */

#define SLUICE_ABI_MAJOR 1
#define SLUICE_ABI_MINOR 0

/* The one symbol the host looks up. */
#define SLUICE_ENTRY_SYMBOL "sluice_plugin_entry"

#ifdef __cplusplus
#define SLUICE_EXPORT extern "C" __attribute__((visibility("default")))
#else
#define SLUICE_EXPORT __attribute__((visibility("default")))
#endif

/* ---- 3. Status codes ---------------------------------------------------------------------- */

#define SLUICE_OK 0
#define SLUICE_ERR_RETRIABLE 1
#define SLUICE_ERR_CONFIG 2
#define SLUICE_ERR_FAILED 3
#define SLUICE_ERR_EXCEPTION 4
#define SLUICE_ERR_NOT_FOUND 5
#define SLUICE_ERR_UNSUPPORTED 6
#define SLUICE_ERR_ILLEGAL_STATE 7
#define SLUICE_ERR_INVALID_ARGUMENT 8

/* ---- Plugin kinds (sluice_plugin_descriptor.kind) ----------------------------------------- */

#define SLUICE_KIND_SOURCE 1
#define SLUICE_KIND_SINK 2
#define SLUICE_KIND_CONVERTER 3
#define SLUICE_KIND_TRANSFORM 4

/* ---- 6. Config key types, importance, flags ----------------------------------------------- */

#define SLUICE_CONFIG_BOOLEAN 1
#define SLUICE_CONFIG_INT 2  /* int32 */
#define SLUICE_CONFIG_LONG 3 /* int64 */
#define SLUICE_CONFIG_DOUBLE 4
#define SLUICE_CONFIG_STRING 5
#define SLUICE_CONFIG_LIST 6     /* comma-separated strings */
#define SLUICE_CONFIG_PASSWORD 7 /* a STRING that is always sensitive */
#define SLUICE_CONFIG_CLASS 8    /* a plugin name or alias */

#define SLUICE_IMPORTANCE_HIGH 1
#define SLUICE_IMPORTANCE_MEDIUM 2
#define SLUICE_IMPORTANCE_LOW 3

#define SLUICE_KEY_REQUIRED 0x1u         /* no default: a missing value is an error */
#define SLUICE_KEY_SENSITIVE 0x2u        /* value never logged nor returned by REST */
#define SLUICE_KEY_NON_EMPTY 0x4u        /* a string value must not be empty */
#define SLUICE_KEY_CASE_INSENSITIVE 0x8u /* valid_values matched ignoring ASCII case */

/* ---- 7. Data forms, value node types, field types ----------------------------------------- */

#define SLUICE_FORM_NULL 0
#define SLUICE_FORM_BYTES 1
#define SLUICE_FORM_STRING 2
#define SLUICE_FORM_TYPED 3

#define SLUICE_VALUE_NULL 0
#define SLUICE_VALUE_INT8 1
#define SLUICE_VALUE_INT16 2
#define SLUICE_VALUE_INT32 3
#define SLUICE_VALUE_INT64 4
#define SLUICE_VALUE_FLOAT32 5
#define SLUICE_VALUE_FLOAT64 6
#define SLUICE_VALUE_BOOLEAN 7
#define SLUICE_VALUE_STRING 8
#define SLUICE_VALUE_BYTES 9
#define SLUICE_VALUE_ARRAY 10
#define SLUICE_VALUE_MAP 11
#define SLUICE_VALUE_STRUCT 12

#define SLUICE_FIELD_NULL 0
#define SLUICE_FIELD_BOOLEAN 1
#define SLUICE_FIELD_INT64 2
#define SLUICE_FIELD_FLOAT64 3
#define SLUICE_FIELD_STRING 4

/* ---- Log levels (sluice_host_api.log) ----------------------------------------------------- */

#define SLUICE_LOG_ERROR 1
#define SLUICE_LOG_WARN 2
#define SLUICE_LOG_INFO 3
#define SLUICE_LOG_DEBUG 4
#define SLUICE_LOG_TRACE 5

/* ---- 2. Basic types ----------------------------------------------------------------------- */

/* UTF-8 text, not NUL-terminated. {NULL, 0} is the empty view. */
typedef struct sluice_str {
  const char* ptr;
  uint64_t len;
} sluice_str;

/* Bytes. ptr NULL with len 0 is *null* (Kafka's null key/value); non-NULL ptr, len 0 is empty. */
typedef struct sluice_bytes {
  const uint8_t* ptr;
  uint64_t len;
} sluice_bytes;

typedef struct sluice_kv {
  sluice_str key;
  sluice_str value;
} sluice_kv;

/* A configuration as key/value text pairs (placeholders resolved, defaults NOT filled in). */
typedef struct sluice_config {
  const sluice_kv* entries;
  uint64_t count;
} sluice_config;

/* Opaque handles, named after their owner. */
typedef struct sluice_host_ctx sluice_host_ctx;   /* owned by the host; one per instance */
typedef struct sluice_connector sluice_connector; /* owned by the plugin */
typedef struct sluice_task sluice_task;           /* owned by the plugin */
typedef struct sluice_converter sluice_converter; /* owned by the plugin */
typedef struct sluice_transform sluice_transform; /* owned by the plugin */

/* ---- 5. Context information --------------------------------------------------------------- */

typedef struct sluice_context_info {
  sluice_str connector; /* connector name */
  int32_t task;         /* task number, -1 when not a task */
  uint32_t reserved;
  sluice_str worker_id; /* "host:port" of the REST listener */
} sluice_context_info;

/* ---- 6. The config-key table -------------------------------------------------------------- */

/* One entry per key, in documentation order; the table ends with an entry whose name is NULL.
 * All strings are NUL-terminated with static storage duration. Extensible: entries are read
 * with the stride sluice_plugin_descriptor.config_key_size. */
typedef struct sluice_config_key {
  const char* name;                /* 1.0; NULL ends the table */
  uint32_t type;                   /* 1.0; SLUICE_CONFIG_* */
  uint32_t importance;             /* 1.0; SLUICE_IMPORTANCE_* */
  uint32_t flags;                  /* 1.0; SLUICE_KEY_* bits */
  const char* default_value;       /* 1.0; text parsed with type; NULL = no default */
  const char* doc;                 /* 1.0; one paragraph, non-NULL */
  const char* group;               /* 1.0; may be NULL */
  int32_t order_in_group;          /* 1.0; -1 if none */
  uint32_t reserved;               /* 1.0; 0 */
  const char* display_name;        /* 1.0; may be NULL (then name) */
  const char* min_value;           /* 1.0; inclusive, INT/LONG/DOUBLE; NULL = unbounded */
  const char* max_value;           /* 1.0; inclusive; NULL = unbounded */
  const char* const* valid_values; /* 1.0; NULL-terminated enum; NULL = any value */
} sluice_config_key;

/* ---- 7.1 Typed values --------------------------------------------------------------------- */

/* One node of a value tape (pre-order). */
typedef struct sluice_value {
  uint8_t type; /* SLUICE_VALUE_* */
  uint8_t reserved[3];
  uint32_t span; /* nodes in this subtree including this one (1 for a scalar) */
  union {
    int64_t i;      /* INT8..INT64 (sign-extended), BOOLEAN (0/1) */
    double f;       /* FLOAT32 (exactly representable), FLOAT64 */
    sluice_bytes b; /* STRING (UTF-8), BYTES */
    uint64_t count; /* ARRAY: elements, MAP: entries, STRUCT: fields */
  } u;
} sluice_value; /* 24 bytes */

typedef struct sluice_data {
  uint32_t form;             /* SLUICE_FORM_* */
  uint32_t schema_id;        /* TYPED only: 0 = schemaless, else an id from schema_register */
  sluice_bytes bytes;        /* BYTES: the bytes; STRING: UTF-8 text */
  const sluice_value* nodes; /* TYPED: the value tape, nodes[0] is the root */
  uint64_t node_count;       /* TYPED: number of nodes (== nodes[0].span) */
} sluice_data;               /* 40 bytes */

/* ---- 7.2 Source partitions and offsets ---------------------------------------------------- */

typedef struct sluice_field {
  sluice_str name;
  uint32_t type; /* SLUICE_FIELD_* */
  uint32_t reserved;
  union {
    int64_t i; /* INT64; BOOLEAN as 0/1 */
    double f;  /* FLOAT64 */
    sluice_str s;
  } v;
} sluice_field; /* 40 bytes */

/* ---- 7.3 Records -------------------------------------------------------------------------- */

typedef struct sluice_header {
  sluice_str key;
  sluice_data value;
} sluice_header;

typedef struct sluice_record { /* 1.0 layout: 168 bytes on LP64; extensible */
  sluice_str topic;            /* source: target topic (required); sink: topic read */
  int32_t partition;           /* source: -1 lets the producer's partitioner choose */
  int32_t timestamp_type;      /* sink: 0 none, 1 create time, 2 log-append time */
  int64_t timestamp_ms;        /* -1 = none (source: the producer stamps it) */
  int64_t offset;              /* sink: the record's log offset; source: ignored */
  sluice_data key;
  sluice_data value;
  const sluice_header* headers; /* header_count entries, may be NULL when 0 */
  uint32_t header_count;
  uint32_t source_partition_count;      /* source only */
  const sluice_field* source_partition; /* source only; may be empty (no offset tracking) */
  const sluice_field* source_offset;    /* source only */
  uint32_t source_offset_count;         /* source only */
  uint32_t reserved;
  uint64_t cookie; /* source only: returned to commit_record */
} sluice_record;

typedef struct sluice_record_batch {
  const sluice_record* records; /* record i is at (const char*)records + i * record_size */
  uint32_t count;
  uint32_t record_size; /* sizeof(sluice_record) of the side that built the batch */
} sluice_record_batch;

typedef struct sluice_topic_partition {
  sluice_str topic;
  int32_t partition;
  uint32_t reserved;
} sluice_topic_partition;

/* offset is the *next* offset to consume (Kafka's convention). */
typedef struct sluice_tp_offset {
  sluice_str topic;
  int32_t partition;
  int32_t reserved;
  int64_t offset;
} sluice_tp_offset;

typedef struct sluice_record_metadata {
  sluice_str topic;
  int32_t partition;
  int32_t reserved;
  int64_t offset;
  int64_t timestamp_ms;
} sluice_record_metadata;

/* ---- 8. Hook tables ----------------------------------------------------------------------- */

typedef struct sluice_offset_change {
  const sluice_field*
      partition; /* source: source partition; sink: {kafka_topic, kafka_partition} */
  uint32_t partition_count;
  uint32_t offset_count;      /* 0 with offset NULL = reset */
  const sluice_field* offset; /* sink: {kafka_offset} */
} sluice_offset_change;

typedef struct sluice_connector_hooks {
  int32_t (*create)(sluice_host_ctx* ctx, sluice_connector** out);       /* required */
  void (*destroy)(sluice_connector* c);                                  /* required */
  int32_t (*validate)(sluice_connector* c, const sluice_config* config); /* optional */
  int32_t (*start)(sluice_connector* c, const sluice_config* config);    /* required */
  int32_t (*task_configs)(sluice_connector* c, uint32_t max_tasks, const sluice_config** out_tasks,
                          uint32_t* out_count); /* required */
  int32_t (*stop)(sluice_connector* c);         /* required */
  int32_t (*alter_offsets)(sluice_connector* c, const sluice_config* config,
                           const sluice_offset_change* changes, uint32_t count); /* optional */
} sluice_connector_hooks;

typedef struct sluice_source_hooks {
  uint32_t struct_size;
  uint32_t reserved;
  sluice_connector_hooks connector;
  int32_t (*task_create)(sluice_host_ctx* ctx, sluice_task** out);                 /* required */
  void (*task_destroy)(sluice_task* t);                                            /* required */
  int32_t (*task_start)(sluice_task* t, const sluice_config* task_config);         /* required */
  int32_t (*poll)(sluice_task* t, uint32_t max_wait_ms, sluice_record_batch* out); /* required */
  int32_t (*commit_record)(sluice_task* t, uint64_t cookie,
                           const sluice_record_metadata* metadata); /* optional */
  int32_t (*commit)(sluice_task* t);                                /* optional */
  int32_t (*task_stop)(sluice_task* t);                             /* required */
  void (*wake)(sluice_task* t);                                     /* optional */
} sluice_source_hooks;

typedef struct sluice_sink_hooks {
  uint32_t struct_size;
  uint32_t reserved;
  sluice_connector_hooks connector;
  int32_t (*task_create)(sluice_host_ctx* ctx, sluice_task** out);                 /* required */
  void (*task_destroy)(sluice_task* t);                                            /* required */
  int32_t (*task_start)(sluice_task* t, const sluice_config* task_config);         /* required */
  int32_t (*open)(sluice_task* t, const sluice_topic_partition* tps, uint32_t n);  /* optional */
  int32_t (*close)(sluice_task* t, const sluice_topic_partition* tps, uint32_t n); /* optional */
  int32_t (*put)(sluice_task* t, const sluice_record_batch* batch);                /* required */
  int32_t (*flush)(sluice_task* t, const sluice_tp_offset* current, uint32_t n);   /* optional */
  int32_t (*pre_commit)(sluice_task* t, const sluice_tp_offset* current, uint32_t n,
                        sluice_tp_offset* out, uint32_t* out_count); /* optional */
  int32_t (*task_stop)(sluice_task* t);                              /* required */
  void (*wake)(sluice_task* t);                                      /* optional */
} sluice_sink_hooks;

typedef struct sluice_converter_hooks {
  uint32_t struct_size;
  uint32_t reserved;
  int32_t (*create)(sluice_host_ctx* ctx, const sluice_config* config, uint32_t is_key,
                    sluice_converter** out); /* required */
  void (*destroy)(sluice_converter* c);      /* required */
  int32_t (*from_connect)(sluice_converter* c, sluice_str topic, const sluice_data* in,
                          sluice_bytes* out); /* required */
  int32_t (*to_connect)(sluice_converter* c, sluice_str topic, sluice_bytes in,
                        sluice_data* out); /* required */
} sluice_converter_hooks;

typedef struct sluice_transform_hooks {
  uint32_t struct_size;
  uint32_t reserved;
  int32_t (*create)(sluice_host_ctx* ctx, const sluice_config* config,
                    sluice_transform** out); /* required */
  void (*destroy)(sluice_transform* t);      /* required */
  int32_t (*apply)(sluice_transform* t, const sluice_record* in, uint32_t in_size,
                   sluice_record* out, uint32_t* keep); /* required */
} sluice_transform_hooks;

/* ---- 4. Descriptors and the library ------------------------------------------------------- */

typedef struct sluice_plugin_descriptor {
  uint16_t abi_major;
  uint16_t abi_minor;
  uint32_t struct_size;
  uint32_t kind;                        /* SLUICE_KIND_* */
  uint32_t config_key_size;             /* stride of config_keys entries */
  const char* class_name;               /* full unique name; non-empty */
  const char* const* aliases;           /* NULL-terminated; may be NULL */
  const char* version;                  /* non-empty */
  const char* description;              /* may be NULL */
  const sluice_config_key* config_keys; /* NULL-name terminated; may be NULL */
  const void* hooks;                    /* the hook table of kind; non-NULL */
} sluice_plugin_descriptor;

typedef struct sluice_library {
  uint16_t abi_major;
  uint16_t abi_minor;
  uint32_t struct_size;
  uint32_t plugin_count; /* >= 1 */
  uint32_t reserved;
  const sluice_plugin_descriptor* const* plugins; /* plugin_count pointers, none NULL */
  const char* library_name;                       /* may be NULL */
  const char* library_version;                    /* may be NULL */
} sluice_library;

/* ---- 5. The host API ---------------------------------------------------------------------- */

/* Passed to the entry; immutable; valid for the life of the process. */
typedef struct sluice_host_api {
  uint16_t abi_major;
  uint16_t abi_minor;
  uint32_t struct_size;
  /* any thread; ctx may be NULL (library-level); level SLUICE_LOG_* */
  void (*log)(sluice_host_ctx* ctx, uint32_t level, sluice_str message);
  /* hook thread: error text for the non-OK status the current hook is about to return */
  void (*set_error)(sluice_host_ctx* ctx, sluice_str message);
  /* only inside a connector's validate: attach an error to one key */
  int32_t (*config_error)(sluice_host_ctx* ctx, sluice_str key, sluice_str message);
  /* hook thread: intern a Kafka Connect schema JSON; *out_id >= 1 */
  int32_t (*schema_register)(sluice_host_ctx* ctx, sluice_str schema_json, uint32_t* out_id);
  /* hook thread: compact schema JSON of an id; host-owned, valid for the life of the task */
  int32_t (*schema_get)(sluice_host_ctx* ctx, uint32_t id, sluice_str* out_json);
  /* hook thread: views valid for the life of ctx */
  int32_t (*context_info)(sluice_host_ctx* ctx, sluice_context_info* out);
  /* any thread; connector ctx */
  void (*request_task_reconfiguration)(sluice_host_ctx* ctx);
  /* any thread; connector ctx: the connector becomes FAILED with this text */
  void (*raise_error)(sluice_host_ctx* ctx, sluice_str message);
  /* hook thread; source connector/task ctx: NOT_FOUND if none; lent until the hook returns */
  int32_t (*offset_get)(sluice_host_ctx* ctx, const sluice_field* partition,
                        uint32_t partition_count, const sluice_field** out_offset,
                        uint32_t* out_count);
  /* any thread; sink task ctx */
  void (*request_commit)(sluice_host_ctx* ctx);
  /* hook thread; sink task: assigned partitions only */
  int32_t (*pause)(sluice_host_ctx* ctx, const sluice_topic_partition* tps, uint32_t count);
  int32_t (*resume)(sluice_host_ctx* ctx, const sluice_topic_partition* tps, uint32_t count);
  int32_t (*reset_offsets)(sluice_host_ctx* ctx, const sluice_tp_offset* offsets, uint32_t count);
  /* hook thread; sink task: lent until the current hook returns */
  int32_t (*assignment)(sluice_host_ctx* ctx, const sluice_topic_partition** out,
                        uint32_t* out_count);
  /* only inside put; record must point into the current batch */
  int32_t (*report_errant)(sluice_host_ctx* ctx, const sluice_record* record, sluice_str error);
} sluice_host_api;

/* The exported entry: SLUICE_EXPORT const sluice_library* sluice_plugin_entry(const
 * sluice_host_api* host); returns static data or NULL; must not throw or block. */
typedef const sluice_library* (*sluice_plugin_entry_fn)(const sluice_host_api* host);

/* ---- 1.0 sizes ---------------------------------------------------------------------------- */

/* The layout sizes of ABI 1.0 on LP64 targets, written as numbers so that they stay the 1.0
 * sizes after fields are appended in later minors. The host refuses a struct_size (or stride /
 * record_size) smaller than these. */
#define SLUICE_HOST_API_V1_0_SIZE 128u
#define SLUICE_LIBRARY_V1_0_SIZE 40u
#define SLUICE_PLUGIN_DESCRIPTOR_V1_0_SIZE 64u
#define SLUICE_CONFIG_KEY_V1_0_SIZE 88u
#define SLUICE_CONNECTOR_HOOKS_V1_0_SIZE 56u
#define SLUICE_SOURCE_HOOKS_V1_0_SIZE 128u
#define SLUICE_SINK_HOOKS_V1_0_SIZE 144u
#define SLUICE_CONVERTER_HOOKS_V1_0_SIZE 40u
#define SLUICE_TRANSFORM_HOOKS_V1_0_SIZE 32u
#define SLUICE_RECORD_V1_0_SIZE 168u

#ifdef __cplusplus
} /* extern "C" */
#endif

/* Layout checks (LP64). The frozen small types must never change within major 1; the
 * extensible ones must equal their 1.0 size until a minor appends fields. */
#if defined(__cplusplus)
#define SLUICE_ABI_STATIC_ASSERT_(cond, msg) static_assert(cond, msg)
#else
#define SLUICE_ABI_STATIC_ASSERT_(cond, msg) _Static_assert(cond, msg)
#endif

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_str) == 16, "sluice_str is 16 bytes");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_bytes) == 16, "sluice_bytes is 16 bytes");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_kv) == 32, "sluice_kv is 32 bytes");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_config) == 16, "sluice_config is 16 bytes");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_context_info) == 40, "sluice_context_info is 40 bytes");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_value) == 24, "sluice_value is 24 bytes");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_data) == 40, "sluice_data is 40 bytes");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_field) == 40, "sluice_field is 40 bytes");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_header) == 56, "sluice_header is 56 bytes");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_record_batch) == 16, "sluice_record_batch is 16 bytes");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_topic_partition) == 24, "sluice_topic_partition: 24");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_tp_offset) == 32, "sluice_tp_offset is 32 bytes");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_record_metadata) == 40, "sluice_record_metadata: 40");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_offset_change) == 24, "sluice_offset_change: 24");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_record) == SLUICE_RECORD_V1_0_SIZE,
                          "sluice_record 1.0 layout");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_host_api) == SLUICE_HOST_API_V1_0_SIZE,
                          "sluice_host_api 1.0 layout");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_library) == SLUICE_LIBRARY_V1_0_SIZE,
                          "sluice_library 1.0 layout");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_plugin_descriptor) == SLUICE_PLUGIN_DESCRIPTOR_V1_0_SIZE,
                          "sluice_plugin_descriptor 1.0 layout");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_config_key) == SLUICE_CONFIG_KEY_V1_0_SIZE,
                          "sluice_config_key 1.0 layout");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_connector_hooks) == SLUICE_CONNECTOR_HOOKS_V1_0_SIZE,
                          "sluice_connector_hooks 1.0 layout");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_source_hooks) == SLUICE_SOURCE_HOOKS_V1_0_SIZE,
                          "sluice_source_hooks 1.0 layout");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_sink_hooks) == SLUICE_SINK_HOOKS_V1_0_SIZE,
                          "sluice_sink_hooks 1.0 layout");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_converter_hooks) == SLUICE_CONVERTER_HOOKS_V1_0_SIZE,
                          "sluice_converter_hooks 1.0 layout");
SLUICE_ABI_STATIC_ASSERT_(sizeof(sluice_transform_hooks) == SLUICE_TRANSFORM_HOOKS_V1_0_SIZE,
                          "sluice_transform_hooks 1.0 layout");
#else
#error "Sluice plugin ABI 1.0 is defined for LP64 targets (64-bit pointers)"
#endif

#undef SLUICE_ABI_STATIC_ASSERT_

#endif /* SLUICE_PLUGIN_ABI_H_ */
