// SimulatedPowerLossFileSystem (sim_file_system.h): in-memory files with a durable copy each,
// a current and a durable namespace, crash() and fault injection.
#include "broker-lite/log/sim_file_system.h"

#include <algorithm>
#include <limits>

namespace sluice::log {
namespace {

constexpr size_t kClean = std::numeric_limits<size_t>::max();

std::string parent_of(const std::string& path) {
  size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return "";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

bool is_root(const std::string& dir) {
  return dir.empty() || dir == "/";
}

std::string strip_trailing_slash(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

}  // namespace

struct SimulatedPowerLossFileSystem::Node {
  std::vector<uint8_t> data;
  std::vector<uint8_t> durable;
  size_t dirty_from = kClean;  // lowest position changed since the last sync
};

class SimulatedPowerLossFileSystem::SimFile final : public File {
 public:
  SimFile(SimulatedPowerLossFileSystem* fs, std::shared_ptr<Node> node, std::string path,
          uint64_t generation)
      : fs_(fs), node_(std::move(node)), path_(std::move(path)), generation_(generation) {}

  Status write_at(uint64_t pos, std::span<const uint8_t> data) override {
    std::lock_guard lock(fs_->mu_);
    SLUICE_RETURN_IF_ERROR(check_alive());
    if (fs_->fail_writes_ > 0) {
      --fs_->fail_writes_;
      return Status::io_error("write " + path_ + ": injected EIO");
    }
    SLUICE_RETURN_IF_ERROR(fs_->consume_operation("write " + path_));
    if (node_->data.size() < pos + data.size()) node_->data.resize(pos + data.size());
    std::copy(data.begin(), data.end(), node_->data.begin() + static_cast<ptrdiff_t>(pos));
    node_->dirty_from = std::min<size_t>(node_->dirty_from, pos);
    return Status::ok();
  }

  Result<size_t> read_at(uint64_t pos, std::span<uint8_t> out) override {
    std::lock_guard lock(fs_->mu_);
    SLUICE_RETURN_IF_ERROR(check_alive());
    if (pos >= node_->data.size()) return size_t{0};
    size_t n = std::min<size_t>(out.size(), node_->data.size() - pos);
    std::copy_n(node_->data.begin() + static_cast<ptrdiff_t>(pos), n, out.begin());
    return n;
  }

  Result<uint64_t> size() override {
    std::lock_guard lock(fs_->mu_);
    SLUICE_RETURN_IF_ERROR(check_alive());
    return static_cast<uint64_t>(node_->data.size());
  }

  Status sync() override {
    std::lock_guard lock(fs_->mu_);
    SLUICE_RETURN_IF_ERROR(check_alive());
    if (fs_->fail_syncs_ > 0) {
      --fs_->fail_syncs_;
      return Status::io_error("fdatasync " + path_ + ": injected EIO");
    }
    SLUICE_RETURN_IF_ERROR(fs_->consume_operation("fdatasync " + path_));
    Node& n = *node_;
    if (n.dirty_from != kClean || n.durable.size() != n.data.size()) {
      size_t from = std::min({n.dirty_from, n.data.size(), n.durable.size()});
      n.durable.resize(n.data.size());
      std::copy(n.data.begin() + static_cast<ptrdiff_t>(from), n.data.end(),
                n.durable.begin() + static_cast<ptrdiff_t>(from));
      n.dirty_from = kClean;
    }
    ++fs_->file_syncs_;
    return Status::ok();
  }

  Status truncate(uint64_t size) override {
    std::lock_guard lock(fs_->mu_);
    SLUICE_RETURN_IF_ERROR(check_alive());
    SLUICE_RETURN_IF_ERROR(fs_->consume_operation("truncate " + path_));
    node_->data.resize(size);
    node_->dirty_from = std::min<size_t>(node_->dirty_from, size);
    return Status::ok();
  }

  const std::string& path() const override { return path_; }

 private:
  Status check_alive() const {
    if (generation_ != fs_->generation_) {
      return Status::io_error(path_ + ": file handle opened before a simulated power loss");
    }
    return Status::ok();
  }

  SimulatedPowerLossFileSystem* fs_;
  std::shared_ptr<Node> node_;
  std::string path_;
  uint64_t generation_;
};

SimulatedPowerLossFileSystem::SimulatedPowerLossFileSystem() = default;
SimulatedPowerLossFileSystem::~SimulatedPowerLossFileSystem() = default;

Status SimulatedPowerLossFileSystem::consume_operation(const std::string& what) {
  if (budget_ == 0) return Status::io_error(what + ": simulated machine stopped");
  if (budget_ > 0) --budget_;
  return Status::ok();
}

bool SimulatedPowerLossFileSystem::dir_exists_locked(const std::string& dir) const {
  return is_root(dir) || dirs_.count(dir) > 0;
}

bool SimulatedPowerLossFileSystem::durable_chain_locked(const std::string& path) const {
  for (std::string d = parent_of(path); !is_root(d); d = parent_of(d)) {
    if (durable_dirs_.count(d) == 0) return false;
  }
  return true;
}

Result<std::unique_ptr<File>> SimulatedPowerLossFileSystem::open(const std::string& raw_path,
                                                                 OpenMode mode) {
  std::string path = strip_trailing_slash(raw_path);
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) {
    if (mode == OpenMode::kExisting) return Status::not_found("open " + path + ": no such file");
    if (!dir_exists_locked(parent_of(path))) {
      return Status::not_found("open " + path + ": no such directory");
    }
    if (dirs_.count(path)) return Status::io_error("open " + path + ": is a directory");
    SLUICE_RETURN_IF_ERROR(consume_operation("create " + path));
    it = files_.emplace(path, std::make_shared<Node>()).first;
  } else if (mode == OpenMode::kCreateTruncate) {
    SLUICE_RETURN_IF_ERROR(consume_operation("truncate " + path));
    it->second->data.clear();
    it->second->dirty_from = 0;
  }
  return std::unique_ptr<File>(new SimFile(this, it->second, path, generation_));
}

Status SimulatedPowerLossFileSystem::rename(const std::string& from_raw,
                                            const std::string& to_raw) {
  std::string from = strip_trailing_slash(from_raw), to = strip_trailing_slash(to_raw);
  std::lock_guard lock(mu_);
  if (!dir_exists_locked(parent_of(to)))
    return Status::not_found("rename to " + to + ": no directory");
  auto it = files_.find(from);
  if (it != files_.end()) {
    SLUICE_RETURN_IF_ERROR(consume_operation("rename " + from));
    std::shared_ptr<Node> node = it->second;
    files_.erase(it);
    files_[to] = std::move(node);
    return Status::ok();
  }
  if (dirs_.count(from)) {
    // Directory rename: move the directory and every path below it.
    SLUICE_RETURN_IF_ERROR(consume_operation("rename " + from));
    const std::string prefix = from + "/";
    std::map<std::string, std::shared_ptr<Node>> moved_files;
    for (auto f = files_.begin(); f != files_.end();) {
      if (f->first.compare(0, prefix.size(), prefix) == 0) {
        moved_files[to + "/" + f->first.substr(prefix.size())] = f->second;
        f = files_.erase(f);
      } else {
        ++f;
      }
    }
    files_.merge(moved_files);
    std::set<std::string> moved_dirs;
    for (auto d = dirs_.begin(); d != dirs_.end();) {
      if (*d == from || d->compare(0, prefix.size(), prefix) == 0) {
        moved_dirs.insert(to + d->substr(from.size()));
        d = dirs_.erase(d);
      } else {
        ++d;
      }
    }
    dirs_.merge(moved_dirs);
    return Status::ok();
  }
  return Status::not_found("rename " + from + ": no such file");
}

Status SimulatedPowerLossFileSystem::remove(const std::string& path) {
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  if (it == files_.end()) return Status::not_found("remove " + path + ": no such file");
  SLUICE_RETURN_IF_ERROR(consume_operation("remove " + path));
  files_.erase(it);
  return Status::ok();
}

Status SimulatedPowerLossFileSystem::mkdir(const std::string& raw) {
  std::string path = strip_trailing_slash(raw);
  std::lock_guard lock(mu_);
  if (dir_exists_locked(path) || files_.count(path)) {
    return Status::already_exists("mkdir " + path + ": exists");
  }
  if (!dir_exists_locked(parent_of(path)))
    return Status::not_found("mkdir " + path + ": no parent");
  SLUICE_RETURN_IF_ERROR(consume_operation("mkdir " + path));
  dirs_.insert(path);
  return Status::ok();
}

Status SimulatedPowerLossFileSystem::remove_dir(const std::string& raw) {
  std::string path = strip_trailing_slash(raw);
  std::lock_guard lock(mu_);
  if (!dirs_.count(path)) return Status::not_found("rmdir " + path + ": no such directory");
  const std::string prefix = path + "/";
  for (const auto& [name, node] : files_) {
    if (name.compare(0, prefix.size(), prefix) == 0) {
      return Status::io_error("rmdir " + path + ": not empty");
    }
  }
  for (const std::string& d : dirs_) {
    if (d.compare(0, prefix.size(), prefix) == 0)
      return Status::io_error("rmdir " + path + ": not empty");
  }
  SLUICE_RETURN_IF_ERROR(consume_operation("rmdir " + path));
  dirs_.erase(path);
  return Status::ok();
}

Result<std::vector<std::string>> SimulatedPowerLossFileSystem::list_dir(const std::string& raw) {
  std::string dir = strip_trailing_slash(raw);
  std::lock_guard lock(mu_);
  if (!dir_exists_locked(dir)) return Status::not_found("list " + dir + ": no such directory");
  std::vector<std::string> names;
  auto add = [&](const std::string& path) {
    if (parent_of(path) == (dir.empty() ? "" : dir))
      names.push_back(path.substr(path.find_last_of('/') + 1));
  };
  for (const auto& [path, node] : files_) add(path);
  for (const std::string& d : dirs_) add(d);
  return names;
}

bool SimulatedPowerLossFileSystem::exists(const std::string& raw) {
  std::string path = strip_trailing_slash(raw);
  std::lock_guard lock(mu_);
  return files_.count(path) > 0 || dir_exists_locked(path);
}

bool SimulatedPowerLossFileSystem::is_dir(const std::string& raw) {
  std::string path = strip_trailing_slash(raw);
  std::lock_guard lock(mu_);
  return dir_exists_locked(path);
}

Status SimulatedPowerLossFileSystem::sync_dir(const std::string& raw) {
  std::string dir = strip_trailing_slash(raw);
  std::lock_guard lock(mu_);
  if (!dir_exists_locked(dir)) return Status::not_found("fsync directory " + dir + ": missing");
  if (fail_syncs_ > 0) {
    --fail_syncs_;
    return Status::io_error("fsync directory " + dir + ": injected EIO");
  }
  SLUICE_RETURN_IF_ERROR(consume_operation("fsync directory " + dir));
  // Entries of `dir` in the durable namespace now mirror the current ones.
  for (auto it = durable_files_.begin(); it != durable_files_.end();) {
    it = parent_of(it->first) == dir ? durable_files_.erase(it) : std::next(it);
  }
  for (const auto& [path, node] : files_) {
    if (parent_of(path) == dir) durable_files_[path] = node;
  }
  for (auto it = durable_dirs_.begin(); it != durable_dirs_.end();) {
    it = parent_of(*it) == dir ? durable_dirs_.erase(it) : std::next(it);
  }
  for (const std::string& d : dirs_) {
    if (parent_of(d) == dir) durable_dirs_.insert(d);
  }
  ++dir_syncs_;
  return Status::ok();
}

void SimulatedPowerLossFileSystem::crash(std::mt19937_64* rng) {
  std::lock_guard lock(mu_);
  ++generation_;
  std::set<std::string> dirs;
  for (const std::string& d : durable_dirs_) {
    if (durable_chain_locked(d)) dirs.insert(d);
  }
  std::map<std::string, std::shared_ptr<Node>> files;
  std::map<Node*, std::shared_ptr<Node>> fresh;  // one new node per surviving old node
  for (const auto& [path, old] : durable_files_) {
    if (!durable_chain_locked(path)) continue;
    std::shared_ptr<Node>& node = fresh[old.get()];
    if (!node) {
      node = std::make_shared<Node>();
      node->data = old->durable;
      if (rng && old->data.size() > old->durable.size() &&
          (old->dirty_from == kClean || old->dirty_from >= old->durable.size())) {
        size_t extra = old->data.size() - old->durable.size();
        size_t keep = std::uniform_int_distribution<size_t>(0, extra)(*rng);
        node->data.insert(node->data.end(),
                          old->data.begin() + static_cast<ptrdiff_t>(old->durable.size()),
                          old->data.begin() + static_cast<ptrdiff_t>(old->durable.size() + keep));
      }
      node->durable = node->data;
    }
    files[path] = node;
  }
  files_ = files;
  durable_files_ = std::move(files);
  dirs_ = dirs;
  durable_dirs_ = std::move(dirs);
  fail_syncs_ = 0;
  fail_writes_ = 0;
  budget_ = -1;
}

void SimulatedPowerLossFileSystem::fail_next_syncs(int n) {
  std::lock_guard lock(mu_);
  fail_syncs_ = n;
}

void SimulatedPowerLossFileSystem::fail_next_writes(int n) {
  std::lock_guard lock(mu_);
  fail_writes_ = n;
}

void SimulatedPowerLossFileSystem::set_operation_budget(int64_t n) {
  std::lock_guard lock(mu_);
  budget_ = n;
}

bool SimulatedPowerLossFileSystem::operation_budget_exhausted() const {
  std::lock_guard lock(mu_);
  return budget_ == 0;
}

int64_t SimulatedPowerLossFileSystem::file_syncs() const {
  std::lock_guard lock(mu_);
  return file_syncs_;
}

int64_t SimulatedPowerLossFileSystem::dir_syncs() const {
  std::lock_guard lock(mu_);
  return dir_syncs_;
}

std::vector<uint8_t> SimulatedPowerLossFileSystem::contents(const std::string& path) const {
  std::lock_guard lock(mu_);
  auto it = files_.find(path);
  return it == files_.end() ? std::vector<uint8_t>() : it->second->data;
}

}  // namespace sluice::log
