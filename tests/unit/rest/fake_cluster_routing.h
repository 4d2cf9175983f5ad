// FakeClusterRouting: a ClusterRouting for the REST tests. The route decisions, session key and
// algorithms are set by the test; calls are counted and put_task_configs() records what it got
// and answers with a settable Status. Thread-safe (REST handler threads call it).
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "runtime/rest/cluster_routing.h"

namespace sluice::rest::testing {

class FakeClusterRouting : public ClusterRouting {
 public:
  // --- knobs and recordings (guarded by mu) ---
  std::mutex mu;
  RouteDecision leader;
  RouteDecision task_owner;
  std::optional<SessionKeyInfo> key;
  std::string algorithm = "HmacSHA256";
  std::vector<std::string> accepted = {"HmacSHA256"};
  Status put_result = Status::ok();
  std::string put_connector;
  std::vector<std::map<std::string, std::string>> put_configs;
  std::string task_owner_connector;
  int task_owner_task = -1;
  std::atomic<int> leader_calls{0};
  std::atomic<int> task_owner_calls{0};
  std::atomic<int> put_calls{0};

  RouteDecision route_to_leader() override {
    ++leader_calls;
    std::lock_guard lock(mu);
    return leader;
  }
  RouteDecision route_to_task_owner(const std::string& connector, int task) override {
    ++task_owner_calls;
    std::lock_guard lock(mu);
    task_owner_connector = connector;
    task_owner_task = task;
    return task_owner;
  }
  std::optional<SessionKeyInfo> session_key() override {
    std::lock_guard lock(mu);
    return key;
  }
  std::string signature_algorithm() override {
    std::lock_guard lock(mu);
    return algorithm;
  }
  std::vector<std::string> verification_algorithms() override {
    std::lock_guard lock(mu);
    return accepted;
  }
  Status put_task_configs(const std::string& connector,
                          std::vector<std::map<std::string, std::string>> configs) override {
    ++put_calls;
    std::lock_guard lock(mu);
    put_connector = connector;
    put_configs = std::move(configs);
    return put_result;
  }
};

}  // namespace sluice::rest::testing
