// sluice-file-bench: how many lines per second the FileStreamSource task hands out through the
// plugin ABI. It dlopens libsluice-file.so, writes a file of equal lines into a temporary
// directory, and drives one task the way the worker does (task_create, task_start, poll until
// every line came back, task_stop, task_destroy), reading every record's value and offset like a
// host converting the batch would. Each round uses a fresh task; the best and the median round
// are printed, by wall-clock time and by the CPU time of the polling thread (the steadier figure
// on a busy machine). The file is read from the page cache after the first round, so the figure
// is the CPU cost of splitting lines and building the record batches, not disk speed.
//
//   sluice-file-bench [--plugin <libsluice-file.so>] [--lines N] [--line-bytes B]
//                     [--batch-size S] [--rounds R]
//
// Defaults: the plugin built next to this program, 2,000,000 lines of 100 bytes (terminator
// included), batch.size 2000, 5 rounds.
#include <dlfcn.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <sluice/plugin_abi.h>

struct sluice_host_ctx {
  std::string last_error;
};

namespace {

constexpr char kSourceClass[] = "org.apache.kafka.connect.file.FileStreamSourceConnector";

std::string_view view(sluice_str s) {
  return s.ptr == nullptr ? std::string_view() : std::string_view(s.ptr, s.len);
}

// The host side: warnings and errors go to stderr, there is no committed offset.
void host_log(sluice_host_ctx*, uint32_t level, sluice_str message) {
  if (level <= SLUICE_LOG_WARN) {
    std::fprintf(stderr, "plugin log: %.*s\n", static_cast<int>(message.len), message.ptr);
  }
}
void host_set_error(sluice_host_ctx* ctx, sluice_str message) {
  if (ctx != nullptr) ctx->last_error = std::string(view(message));
}
int32_t host_context_info(sluice_host_ctx*, sluice_context_info* out) {
  out->connector = sluice_str{"bench", 5};
  out->task = 0;
  out->worker_id = sluice_str{"bench", 5};
  return SLUICE_OK;
}
int32_t host_offset_get(sluice_host_ctx*, const sluice_field*, uint32_t, const sluice_field**,
                        uint32_t*) {
  return SLUICE_ERR_NOT_FOUND;
}

struct Options {
  std::string plugin;
  uint64_t lines = 2'000'000;
  size_t line_bytes = 100;
  uint32_t batch_size = 2000;
  int rounds = 5;
};

[[noreturn]] void usage(const char* problem) {
  std::fprintf(stderr,
               "sluice-file-bench: %s\nusage: sluice-file-bench [--plugin <libsluice-file.so>] "
               "[--lines N] [--line-bytes B] [--batch-size S] [--rounds R]\n",
               problem);
  std::exit(2);
}

Options parse(int argc, char** argv) {
  Options o;
#ifdef SLUICE_FILE_PLUGIN_PATH
  o.plugin = SLUICE_FILE_PLUGIN_PATH;
#endif
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (i + 1 >= argc) usage("every option takes a value");
    const char* value = argv[++i];
    char* end = nullptr;
    unsigned long long number = std::strtoull(value, &end, 10);
    bool numeric = end != value && *end == '\0' && number > 0;
    if (arg == "--plugin") {
      o.plugin = value;
    } else if (!numeric) {
      usage("option values must be positive integers");
    } else if (arg == "--lines") {
      o.lines = number;
    } else if (arg == "--line-bytes") {
      o.line_bytes = static_cast<size_t>(number);
    } else if (arg == "--batch-size") {
      o.batch_size = static_cast<uint32_t>(number);
    } else if (arg == "--rounds") {
      o.rounds = static_cast<int>(number);
    } else {
      usage("unknown option");
    }
  }
  if (o.plugin.empty()) usage("--plugin is required");
  return o;
}

double thread_cpu_seconds() {
  timespec t{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

struct Timing {
  double wall = -1;  // seconds; -1 = the round failed
  double cpu = -1;
};

// One round: a fresh task reads the whole file.
Timing run_round(const sluice_source_hooks* hooks, const std::string& path, const Options& o) {
  sluice_host_ctx ctx;
  sluice_task* task = nullptr;
  if (hooks->task_create(&ctx, &task) != SLUICE_OK) {
    std::fprintf(stderr, "task_create failed: %s\n", ctx.last_error.c_str());
    return {};
  }
  std::string batch_size = std::to_string(o.batch_size);
  sluice_kv kvs[] = {{{"file", 4}, {path.data(), path.size()}},
                     {{"topic", 5}, {"bench", 5}},
                     {{"batch.size", 10}, {batch_size.data(), batch_size.size()}}};
  sluice_config config{kvs, 3};
  if (hooks->task_start(task, &config) != SLUICE_OK) {
    std::fprintf(stderr, "task_start failed: %s\n", ctx.last_error.c_str());
    hooks->task_destroy(task);
    return {};
  }
  uint64_t seen = 0;
  uint64_t value_bytes = 0;
  int64_t last_position = 0;
  auto begin = std::chrono::steady_clock::now();
  double cpu_begin = thread_cpu_seconds();
  bool ok = true;
  while (seen < o.lines) {
    sluice_record_batch batch{};
    if (hooks->poll(task, 1000, &batch) != SLUICE_OK) {
      std::fprintf(stderr, "poll failed: %s\n", ctx.last_error.c_str());
      ok = false;
      break;
    }
    if (batch.count == 0) {
      std::fprintf(stderr, "poll returned nothing after %llu lines\n",
                   static_cast<unsigned long long>(seen));
      ok = false;
      break;
    }
    for (uint32_t i = 0; i < batch.count; ++i) {
      const auto* r = reinterpret_cast<const sluice_record*>(
          reinterpret_cast<const char*>(batch.records) + size_t{i} * batch.record_size);
      value_bytes += r->value.bytes.len + (r->value.bytes.len > 0 ? r->value.bytes.ptr[0] & 1 : 0);
      if (r->source_offset_count > 0) last_position = r->source_offset[0].v.i;
    }
    seen += batch.count;
  }
  Timing timing;
  timing.cpu = thread_cpu_seconds() - cpu_begin;
  timing.wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  hooks->task_stop(task);
  hooks->task_destroy(task);
  uint64_t expected_position = o.lines * o.line_bytes;
  if (ok && (seen != o.lines || static_cast<uint64_t>(last_position) != expected_position)) {
    std::fprintf(stderr, "read %llu lines ending at %lld, expected %llu ending at %llu\n",
                 static_cast<unsigned long long>(seen), static_cast<long long>(last_position),
                 static_cast<unsigned long long>(o.lines),
                 static_cast<unsigned long long>(expected_position));
    ok = false;
  }
  (void)value_bytes;
  return ok ? timing : Timing{};
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parse(argc, argv);
  if (o.line_bytes < 2) usage("--line-bytes must be at least 2");

  void* handle = ::dlopen(o.plugin.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    std::fprintf(stderr, "cannot load %s: %s\n", o.plugin.c_str(), ::dlerror());
    return 1;
  }
  auto entry = reinterpret_cast<sluice_plugin_entry_fn>(::dlsym(handle, "sluice_plugin_entry"));
  if (entry == nullptr) {
    std::fprintf(stderr, "%s has no sluice_plugin_entry\n", o.plugin.c_str());
    return 1;
  }
  static sluice_host_api host{};
  host.abi_major = SLUICE_ABI_MAJOR;
  host.abi_minor = SLUICE_ABI_MINOR;
  host.struct_size = sizeof(sluice_host_api);
  host.log = &host_log;
  host.set_error = &host_set_error;
  host.context_info = &host_context_info;
  host.offset_get = &host_offset_get;
  const sluice_library* library = entry(&host);
  const sluice_source_hooks* hooks = nullptr;
  for (uint32_t i = 0; library != nullptr && i < library->plugin_count; ++i) {
    if (std::string_view(library->plugins[i]->class_name) == kSourceClass) {
      hooks = static_cast<const sluice_source_hooks*>(library->plugins[i]->hooks);
    }
  }
  if (hooks == nullptr) {
    std::fprintf(stderr, "%s has no %s\n", o.plugin.c_str(), kSourceClass);
    return 1;
  }

  std::error_code error;
  std::filesystem::path dir = std::filesystem::temp_directory_path(error);
  if (error) dir = ".";
  std::filesystem::path path = dir / ("sluice-file-bench-" + std::to_string(::getpid()) + ".txt");
  {
    std::ofstream out(path, std::ios::binary);
    std::string line(o.line_bytes - 1, 'x');
    line += '\n';
    for (uint64_t i = 0; i < o.lines && out; ++i) {
      char number[24];
      int digits =
          std::snprintf(number, sizeof number, "%012llu", static_cast<unsigned long long>(i));
      std::memcpy(line.data(), number, std::min(static_cast<size_t>(digits), o.line_bytes - 1));
      out.write(line.data(), static_cast<std::streamsize>(line.size()));
    }
    if (!out) {
      std::fprintf(stderr, "cannot write %s\n", path.c_str());
      return 1;
    }
  }

  std::vector<double> rates;
  std::vector<double> cpu_rates;
  for (int round = 0; round < o.rounds; ++round) {
    Timing t = run_round(hooks, path.string(), o);
    if (t.wall < 0) {
      std::filesystem::remove(path, error);
      return 1;
    }
    rates.push_back(static_cast<double>(o.lines) / t.wall);
    cpu_rates.push_back(static_cast<double>(o.lines) / t.cpu);
    std::printf("round %d: %.3f s (%.3f s CPU), %.0f lines/s, %.0f lines per CPU second\n",
                round + 1, t.wall, t.cpu, rates.back(), cpu_rates.back());
  }
  std::filesystem::remove(path, error);
  std::sort(rates.begin(), rates.end());
  std::sort(cpu_rates.begin(), cpu_rates.end());
  std::printf(
      "FileStreamSource poll, %llu lines of %zu bytes, batch.size %u: best %.0f lines/s "
      "(%.1f MB/s), median %.0f lines/s; per CPU second: best %.0f, median %.0f\n",
      static_cast<unsigned long long>(o.lines), o.line_bytes, o.batch_size, rates.back(),
      rates.back() * static_cast<double>(o.line_bytes) / 1e6, rates[rates.size() / 2],
      cpu_rates.back(), cpu_rates[cpu_rates.size() / 2]);
  return 0;
}
