// FetchWaiters: per-partition lists of held Fetch requests (see fetch_waiters.h).
#include "broker-lite/server/fetch_waiters.h"

#include <algorithm>

namespace sluice::broker {

void FetchWaiters::add(const std::shared_ptr<FetchWaiter>& waiter) {
  for (const auto& key : waiter->watched()) waiting_[key].push_back(waiter);
}

void FetchWaiters::remove(const std::shared_ptr<FetchWaiter>& waiter) {
  for (const auto& key : waiter->watched()) {
    auto it = waiting_.find(key);
    if (it == waiting_.end()) continue;
    auto& list = it->second;
    list.erase(std::remove(list.begin(), list.end(), waiter), list.end());
    if (list.empty()) waiting_.erase(it);
  }
}

void FetchWaiters::wake(std::vector<std::shared_ptr<FetchWaiter>> waiters) {
  for (auto& w : waiters) {
    if (w->done) continue;
    if (w->on_data()) {
      w->done = true;
      remove(w);
    }
  }
}

void FetchWaiters::notify(std::string_view topic, int32_t partition) {
  if (waiting_.empty()) return;
  auto it = waiting_.find(std::make_pair(std::string(topic), partition));
  if (it == waiting_.end()) return;
  // Copy: on_data() may add or remove waiters of this partition.
  wake(it->second);
}

void FetchWaiters::topic_removed(const std::string& topic) {
  std::vector<std::shared_ptr<FetchWaiter>> affected;
  for (auto& [key, list] : waiting_) {
    if (key.first == topic) affected.insert(affected.end(), list.begin(), list.end());
  }
  wake(std::move(affected));
}

}  // namespace sluice::broker
