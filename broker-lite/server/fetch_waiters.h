// Long-poll Fetch requests waiting for data (max_wait_ms / min_bytes, CLIENTS.md P12). A waiter
// registers for the partitions it reads; an append to one of them calls its on_data(), which
// answers the request when enough data is there. Network thread only.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::broker {

class FetchWaiter {
 public:
  virtual ~FetchWaiter() = default;
  // New data arrived in one of the waiter's partitions. Returns true when the waiter answered
  // its request (it is then unregistered everywhere).
  virtual bool on_data() = 0;
  // The partitions the waiter watches (topic, partition).
  virtual const std::vector<std::pair<std::string, int32_t>>& watched() const = 0;
  bool done = false;
};

class FetchWaiters {
 public:
  void add(const std::shared_ptr<FetchWaiter>& waiter);
  // Removes an answered waiter from every partition list.
  void remove(const std::shared_ptr<FetchWaiter>& waiter);
  // Called after every append to (topic, partition).
  void notify(std::string_view topic, int32_t partition);
  // Wakes every waiter of the topic (it was deleted): they answer with what they have.
  void topic_removed(const std::string& topic);
  size_t size() const { return waiting_.size(); }

 private:
  using Key = std::pair<std::string, int32_t>;
  void wake(std::vector<std::shared_ptr<FetchWaiter>> waiters);

  std::map<Key, std::vector<std::shared_ptr<FetchWaiter>>, std::less<>> waiting_;
};

}  // namespace sluice::broker
