// ActiveTopics: see worker_services.h.
#include "runtime/worker/worker_services.h"

namespace sluice::worker {

bool ActiveTopics::record(const std::string& connector, const std::string& topic) {
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    first = topics_[connector].insert(topic).second;
  }
  if (first && observer_) observer_(connector, topic);
  return first;
}

std::vector<std::string> ActiveTopics::topics(const std::string& connector) const {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(connector);
  if (it == topics_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

void ActiveTopics::reset(const std::string& connector) {
  std::lock_guard lock(mutex_);
  topics_.erase(connector);
}

void ActiveTopics::forget(const std::string& connector, const std::string& topic) {
  std::lock_guard lock(mutex_);
  auto it = topics_.find(connector);
  if (it == topics_.end()) return;
  it->second.erase(topic);
  if (it->second.empty()) topics_.erase(it);
}

}  // namespace sluice::worker
