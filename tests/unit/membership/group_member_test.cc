// Tests for GroupMember against a real broker-lite in-process (short session timeouts): members
// joining one group, the leader's assignments reaching every member, rebalances after a leave and
// after request_rejoin(), the fencing rule (a stalled member reports Lost before the coordinator
// removes it), discovery through an old-style FindCoordinator, and clear errors.
#include "runtime/membership/group_member.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <map>
#include <set>

#include "tests/unit/membership/fake_broker.h"

namespace sluice::membership {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using testing::api_versions_table;
using testing::closed_port;
using testing::FakeAnswer;
using testing::FakeBroker;
using testing::response_frame;

std::vector<uint8_t> bytes_of(const std::string& s) {
  return {s.begin(), s.end()};
}
std::string text_of(const std::vector<uint8_t>& b) {
  return {b.begin(), b.end()};
}

// The test assignor: every member gets "for-<its metadata>".
Result<std::map<std::string, std::vector<uint8_t>>> assign_by_metadata(
    const std::string& protocol, const std::vector<MemberMetadata>& members) {
  std::map<std::string, std::vector<uint8_t>> out;
  for (const MemberMetadata& m : members) {
    out[m.member_id] = bytes_of("for-" + text_of(m.metadata) + "@" + protocol);
  }
  return out;
}

// One member under test with everything it reported.
struct Worker {
  std::string name;
  std::unique_ptr<GroupMember> member;
  std::vector<Event> events;
  std::vector<Status> errors;

  const Assigned* last_assigned() const {
    for (auto it = events.rbegin(); it != events.rend(); ++it) {
      if (const auto* a = std::get_if<Assigned>(&*it)) return a;
      if (std::holds_alternative<Lost>(*it)) return nullptr;
    }
    return nullptr;
  }
  template <typename E>
  int count() const {
    return static_cast<int>(std::count_if(
        events.begin(), events.end(), [](const Event& e) { return std::holds_alternative<E>(e); }));
  }
  void poll_once(milliseconds wait) {
    Result<Event> e = member->poll(wait);
    if (!e.is_ok()) {
      errors.push_back(e.status());
    } else if (!std::holds_alternative<std::monostate>(*e)) {
      events.push_back(std::move(*e));
    }
  }
};

class GroupMemberTest : public testing::MembershipBrokerTest {
 protected:
  GroupMemberOptions options(const std::string& bootstrap) const {
    GroupMemberOptions o;
    o.bootstrap_servers = bootstrap;
    o.group_id = "sluice-cluster";
    o.session_timeout = milliseconds(2000);
    o.rebalance_timeout = milliseconds(3000);
    o.heartbeat_interval = milliseconds(250);
    o.fencing_margin = milliseconds(600);
    o.connect_timeout = milliseconds(1000);
    o.request_timeout = milliseconds(1000);
    o.retry_backoff = milliseconds(50);
    return o;
  }

  Worker& add_worker(const std::string& name) {
    auto m = GroupMember::create(options(bootstrap_), {{"v1", bytes_of(name)}}, assign_by_metadata);
    EXPECT_TRUE(m.is_ok()) << m.status().to_string();
    workers_.push_back(std::make_unique<Worker>(Worker{name, std::move(*m), {}, {}}));
    return *workers_.back();
  }

  // Polls every worker in `ws` round-robin until `done` holds or `timeout` passes.
  bool drive(const std::vector<Worker*>& ws, const std::function<bool()>& done,
             milliseconds timeout = milliseconds(10000)) {
    const auto give_up = Clock::now() + timeout;
    while (Clock::now() < give_up) {
      if (done()) return true;
      for (Worker* w : ws) w->poll_once(milliseconds(10));
    }
    return done();
  }

  // True when every worker holds an assignment of one common generation that has ws.size()
  // members, and that generation is newer than `after`.
  static bool settled(const std::vector<Worker*>& ws, int32_t after = -1) {
    std::set<int32_t> generations;
    for (const Worker* w : ws) {
      const Assigned* a = w->last_assigned();
      if (a == nullptr || a->generation <= after) return false;
      generations.insert(a->generation);
    }
    if (generations.size() != 1) return false;
    for (const Worker* w : ws) {
      const Assigned* a = w->last_assigned();
      if (a->is_leader && a->members.size() != ws.size()) return false;
    }
    return true;
  }

  // Checks the leader saw every worker's metadata and each worker got "for-<its name>".
  static void expect_assignments(const std::vector<Worker*>& ws) {
    int leaders = 0;
    std::set<std::string> member_ids;
    for (const Worker* w : ws) {
      const Assigned* a = w->last_assigned();
      ASSERT_NE(a, nullptr) << w->name;
      EXPECT_EQ(text_of(a->assignment), "for-" + w->name + "@v1") << w->name;
      EXPECT_EQ(a->protocol, "v1");
      EXPECT_EQ(a->member_id, w->member->member_id());
      EXPECT_EQ(a->is_leader, a->member_id == a->leader_id);
      member_ids.insert(a->member_id);
      if (a->is_leader) {
        ++leaders;
        std::set<std::string> seen;
        for (const MemberMetadata& m : a->members) seen.insert(text_of(m.metadata));
        std::set<std::string> expected;
        for (const Worker* x : ws) expected.insert(x->name);
        EXPECT_EQ(seen, expected);
      } else {
        EXPECT_TRUE(a->members.empty());
      }
    }
    EXPECT_EQ(leaders, 1);
    EXPECT_EQ(member_ids.size(), ws.size());
  }

  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<uint16_t> fake_port_{0};  // read by a fake broker's thread
};

TEST_F(GroupMemberTest, TwoThenThreeMembersShareOneGroup) {
  Worker& a = add_worker("worker-a");
  Worker& b = add_worker("worker-b");
  ASSERT_TRUE(drive({&a, &b}, [&] { return settled({&a, &b}); }));
  expect_assignments({&a, &b});
  const int32_t first = a.last_assigned()->generation;
  EXPECT_TRUE(a.member->holds_assignment());
  ASSERT_TRUE(a.member->coordinator().has_value());
  EXPECT_EQ(a.member->coordinator()->port, broker_->port());

  Worker& c = add_worker("worker-c");
  ASSERT_TRUE(drive({&a, &b, &c}, [&] { return settled({&a, &b, &c}, first); }));
  expect_assignments({&a, &b, &c});
  // The members already in the group saw the rebalance start before the new generation.
  EXPECT_GE(a.count<RebalanceStarted>(), 1);
  EXPECT_GE(b.count<RebalanceStarted>(), 1);
  EXPECT_EQ(a.count<Lost>() + b.count<Lost>() + c.count<Lost>(), 0);
  EXPECT_TRUE(a.errors.empty() && b.errors.empty() && c.errors.empty());
}

TEST_F(GroupMemberTest, LeavingMemberTriggersRebalanceSeenThroughHeartbeat) {
  Worker& a = add_worker("worker-a");
  Worker& b = add_worker("worker-b");
  Worker& c = add_worker("worker-c");
  ASSERT_TRUE(drive({&a, &b, &c}, [&] { return settled({&a, &b, &c}); }));
  const int32_t generation = a.last_assigned()->generation;
  const int a_rebalances = a.count<RebalanceStarted>();
  const int b_rebalances = b.count<RebalanceStarted>();

  Status left = c.member->leave("clean stop");
  EXPECT_TRUE(left.is_ok()) << left.to_string();
  EXPECT_FALSE(c.member->holds_assignment());
  Result<Event> after = c.member->poll(milliseconds(0));
  EXPECT_EQ(after.status().code(), StatusCode::kFailedPrecondition);

  ASSERT_TRUE(drive({&a, &b}, [&] { return settled({&a, &b}, generation); }));
  expect_assignments({&a, &b});
  EXPECT_EQ(a.count<RebalanceStarted>(), a_rebalances + 1);
  EXPECT_EQ(b.count<RebalanceStarted>(), b_rebalances + 1);
  EXPECT_EQ(a.count<Lost>() + b.count<Lost>(), 0);
}

TEST_F(GroupMemberTest, StalledMemberReportsLostBeforeTheCoordinatorRemovesIt) {
  Worker& a = add_worker("worker-a");
  Worker& b = add_worker("worker-b");
  ASSERT_TRUE(drive({&a, &b}, [&] { return settled({&a, &b}); }));
  const int32_t generation = a.last_assigned()->generation;
  const int a_rebalances = a.count<RebalanceStarted>();

  // b's loop stalls; a keeps polling. Past the fencing bound (2000 - 600 ms) b's very next poll
  // reports Lost, without touching the network first.
  const auto stalled = Clock::now();
  drive({&a}, [&] { return Clock::now() - stalled > milliseconds(1450); });
  EXPECT_EQ(a.count<RebalanceStarted>(), a_rebalances) << "b was removed before its bound";
  Result<Event> b_event = b.member->poll(milliseconds(0));
  ASSERT_TRUE(b_event.is_ok()) << b_event.status().to_string();
  ASSERT_TRUE(std::holds_alternative<Lost>(*b_event));
  EXPECT_NE(std::get<Lost>(*b_event).reason.find("fencing bound 1400 ms"), std::string::npos)
      << std::get<Lost>(*b_event).reason;
  EXPECT_FALSE(b.member->holds_assignment());
  const auto b_lost = Clock::now();

  // The coordinator expires b after the session timeout; a then gets the group to itself.
  ASSERT_TRUE(drive({&a}, [&] { return settled({&a}, generation); }));
  const Assigned* alone = a.last_assigned();
  EXPECT_TRUE(alone->is_leader);
  ASSERT_EQ(alone->members.size(), 1u);
  EXPECT_EQ(text_of(alone->members[0].metadata), "worker-a");
  EXPECT_EQ(a.count<RebalanceStarted>(), a_rebalances + 1);
  EXPECT_GT(Clock::now(), b_lost);
  EXPECT_EQ(a.count<Lost>(), 0);
}

// b's owner is busy (stopping tasks) for longer than the session timeout and calls only
// keep_alive(): its heartbeats go on, so the coordinator keeps it, a sees no rebalance and b's next
// poll reports nothing lost.
TEST_F(GroupMemberTest, KeepAliveHeartbeatsWhileTheOwnerIsBusy) {
  Worker& a = add_worker("worker-a");
  Worker& b = add_worker("worker-b");
  ASSERT_TRUE(drive({&a, &b}, [&] { return settled({&a, &b}); }));
  const int32_t generation = b.member->generation();
  const int a_rebalances = a.count<RebalanceStarted>();

  const auto busy_until = Clock::now() + milliseconds(3000);  // session timeout 2000 ms
  while (Clock::now() < busy_until) {
    Status alive = b.member->keep_alive();
    EXPECT_TRUE(alive.is_ok()) << alive.to_string();
    a.poll_once(milliseconds(100));
  }
  EXPECT_EQ(a.count<RebalanceStarted>(), a_rebalances) << "b was expired while heartbeating";
  b.poll_once(milliseconds(0));
  EXPECT_EQ(b.count<Lost>(), 0);
  EXPECT_TRUE(b.member->holds_assignment());
  EXPECT_EQ(b.member->generation(), generation);
}

// A rebalance the coordinator announces in the answer to a keep_alive() heartbeat is reported by
// the next poll(), which then rejoins; keep_alive() itself never joins.
TEST_F(GroupMemberTest, RebalanceSeenByKeepAliveIsReportedByTheNextPoll) {
  Worker& a = add_worker("worker-a");
  Worker& b = add_worker("worker-b");
  ASSERT_TRUE(drive({&a, &b}, [&] { return settled({&a, &b}); }));
  const int32_t generation = b.member->generation();
  const int b_rebalances = b.count<RebalanceStarted>();

  Worker& c = add_worker("worker-c");
  const auto busy_until = Clock::now() + milliseconds(1000);
  while (Clock::now() < busy_until) {
    EXPECT_TRUE(b.member->keep_alive().is_ok());
    a.poll_once(milliseconds(20));
    c.poll_once(milliseconds(20));
  }
  EXPECT_EQ(b.count<RebalanceStarted>(), b_rebalances) << "keep_alive must not report events";
  EXPECT_EQ(b.member->generation(), generation);
  Result<Event> next = b.member->poll(milliseconds(0));
  ASSERT_TRUE(next.is_ok()) << next.status().to_string();
  EXPECT_TRUE(std::holds_alternative<RebalanceStarted>(*next));
  b.events.push_back(std::move(*next));
  ASSERT_TRUE(drive({&a, &b, &c}, [&] { return settled({&a, &b, &c}, generation); }));
  expect_assignments({&a, &b, &c});
}

// CPU time used so far by the calling thread.
std::chrono::microseconds thread_cpu_time() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  return std::chrono::seconds(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         std::chrono::microseconds(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// While a JoinGroup is held by the coordinator (here: waiting for a stalled member until its
// session expires), the member is alive for the coordinator, so it must not report Lost even
// though its last heartbeat is older than the fencing bound -- and it must not spin meanwhile.
TEST_F(GroupMemberTest, HeldJoinGroupIsNotLostPastTheFencingBound) {
  Worker& a = add_worker("worker-a");
  Worker& b = add_worker("worker-b");
  ASSERT_TRUE(drive({&a, &b}, [&] { return settled({&a, &b}); }));
  const int32_t generation = a.last_assigned()->generation;

  // b stalls for good; c arrives. a rejoins and waits in JoinGroup until b's session expires.
  Worker& c = add_worker("worker-c");
  const auto started = Clock::now();
  const auto cpu_before = thread_cpu_time();
  ASSERT_TRUE(drive({&a, &c}, [&] { return settled({&a, &c}, generation); }));
  const auto cpu_used = thread_cpu_time() - cpu_before;
  EXPECT_GT(Clock::now() - started, milliseconds(1400)) << "the join was not held long";
  expect_assignments({&a, &c});
  EXPECT_EQ(a.count<Lost>(), 0);
  EXPECT_GE(a.count<RebalanceStarted>(), 1);
  EXPECT_LT(cpu_used, milliseconds(700)) << "polling spun while the JoinGroup was held";
}

TEST_F(GroupMemberTest, RequestRejoinWithNewMetadataStartsANewGeneration) {
  Worker& a = add_worker("worker-a");
  Worker& b = add_worker("worker-b");
  ASSERT_TRUE(drive({&a, &b}, [&] { return settled({&a, &b}); }));
  const int32_t generation = a.last_assigned()->generation;

  ASSERT_TRUE(b.member->set_protocols({{"v1", bytes_of("worker-b2")}}).is_ok());
  b.name = "worker-b2";
  b.member->request_rejoin("config changed");
  ASSERT_TRUE(drive({&a, &b}, [&] { return settled({&a, &b}, generation); }));
  expect_assignments({&a, &b});
  bool reason_seen = false;
  for (const Event& e : b.events) {
    if (const auto* r = std::get_if<RebalanceStarted>(&e))
      reason_seen |= r->reason == "config changed";
  }
  EXPECT_TRUE(reason_seen);
  EXPECT_EQ(a.count<Lost>() + b.count<Lost>(), 0);
}

TEST_F(GroupMemberTest, UnreachableCoordinatorGivesAnErrorNamingHostAndPort) {
  const std::string dead = "127.0.0.1:" + std::to_string(closed_port());
  auto m = GroupMember::create(options(dead), {{"v1", bytes_of("x")}}, assign_by_metadata);
  ASSERT_TRUE(m.is_ok());
  Result<Event> e = (*m)->poll(milliseconds(100));
  ASSERT_FALSE(e.is_ok());
  EXPECT_EQ(e.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(e.status().message().find(dead), std::string_view::npos) << e.status().to_string();
  EXPECT_NE(e.status().message().find("sluice-cluster"), std::string_view::npos);
  // Still usable: the next poll tries again (and fails the same way).
  EXPECT_FALSE((*m)->poll(milliseconds(100)).is_ok());

  // A bootstrap list is tried entry by entry.
  auto listed = GroupMember::create(options(dead + "," + bootstrap_), {{"v1", bytes_of("x")}},
                                    assign_by_metadata);
  ASSERT_TRUE(listed.is_ok());
  Worker w{"x", std::move(*listed), {}, {}};
  ASSERT_TRUE(drive({&w}, [&] { return w.last_assigned() != nullptr; }));
  EXPECT_EQ(text_of(w.last_assigned()->assignment), "for-x@v1");
}

// A bootstrap broker with an old FindCoordinator (v3, one key) that first answers
// COORDINATOR_NOT_AVAILABLE and then names broker-lite as the coordinator: the member retries,
// connects to the coordinator and joins there.
TEST_F(GroupMemberTest, FindsCoordinatorThroughOldFindCoordinatorAndRetries) {
  std::atomic<int> finds{0};
  const uint16_t real_port = broker_->port();
  FakeBroker fake([&](const kafka::RequestHeader& h, std::span<const uint8_t> body) {
    if (h.request_api_key == kafka::ApiVersionsRequest::kApiKey) {
      return FakeAnswer{response_frame(h.correlation_id, h.request_api_version,
                                       api_versions_table({{18, 0, 3}, {10, 0, 3}}))};
    }
    EXPECT_EQ(h.request_api_key, kafka::FindCoordinatorRequest::kApiKey);
    EXPECT_EQ(h.request_api_version, 3);
    kafka::FindCoordinatorRequest req;
    kafka::WireReader r(body);
    EXPECT_TRUE(req.decode(r, 3).is_ok());
    EXPECT_EQ(req.key, "sluice-cluster");
    kafka::FindCoordinatorResponse resp;
    if (finds++ == 0) {
      resp.error_code = 15;
      resp.port = -1;
    } else {
      resp.node_id = 1;
      resp.host = "127.0.0.1";
      resp.port = real_port;
    }
    return FakeAnswer{response_frame(h.correlation_id, 3, resp)};
  });
  auto m =
      GroupMember::create(options(fake.address()), {{"v1", bytes_of("w")}}, assign_by_metadata);
  ASSERT_TRUE(m.is_ok());
  Worker w{"w", std::move(*m), {}, {}};
  ASSERT_TRUE(drive({&w}, [&] { return w.last_assigned() != nullptr; }));
  EXPECT_EQ(finds, 2);
  EXPECT_EQ(w.member->coordinator()->port, real_port);
  EXPECT_TRUE(w.errors.empty()) << w.errors.front().to_string();
}

// A coordinator whose answers to JoinGroup are garbage: poll returns an error naming the broker,
// never crashes, and keeps retrying.
TEST_F(GroupMemberTest, GarbageFromTheCoordinatorIsAnError) {
  FakeBroker fake([&](const kafka::RequestHeader& h, std::span<const uint8_t>) {
    if (h.request_api_key == kafka::ApiVersionsRequest::kApiKey) {
      return FakeAnswer{response_frame(h.correlation_id, h.request_api_version,
                                       api_versions_table({{18, 0, 3}, {10, 0, 4}, {11, 0, 9}}))};
    }
    if (h.request_api_key == kafka::FindCoordinatorRequest::kApiKey) {
      kafka::FindCoordinatorResponse resp;
      kafka::FindCoordinatorResponse::Coordinator c;
      c.key = "sluice-cluster";
      c.host = "127.0.0.1";
      c.port = fake_port_;
      resp.coordinators.push_back(c);
      return FakeAnswer{response_frame(h.correlation_id, h.request_api_version, resp)};
    }
    // JoinGroup: a frame whose body stops in the middle of the member list.
    std::vector<uint8_t> frame = {0, 0, 0, 12};
    for (int i = 0; i < 4; ++i)
      frame.push_back(static_cast<uint8_t>(h.correlation_id >> (24 - 8 * i)));
    for (uint8_t x : {0, 0, 0, 0, 0, 0, 0, 0}) frame.push_back(x);
    return FakeAnswer{frame};
  });
  fake_port_ = fake.port();
  auto m =
      GroupMember::create(options(fake.address()), {{"v1", bytes_of("w")}}, assign_by_metadata);
  ASSERT_TRUE(m.is_ok());
  Status error;
  const auto give_up = Clock::now() + milliseconds(3000);
  while (error.is_ok() && Clock::now() < give_up) {
    Result<Event> e = (*m)->poll(milliseconds(50));
    if (!e.is_ok()) error = e.status();
  }
  ASSERT_FALSE(error.is_ok());
  EXPECT_NE(error.message().find("malformed JoinGroup v9 response from " + fake.address()),
            std::string_view::npos)
      << error.to_string();
  EXPECT_FALSE((*m)->poll(milliseconds(200)).is_ok());
}

TEST_F(GroupMemberTest, RejectsBadOptions) {
  auto make = [&](GroupMemberOptions o, std::vector<GroupProtocol> p = {{"v1", {}}}) {
    return GroupMember::create(std::move(o), std::move(p), assign_by_metadata).status();
  };
  GroupMemberOptions o = options(bootstrap_);
  o.group_id.clear();
  EXPECT_NE(make(o).message().find("group.id"), std::string_view::npos);
  o = options("nonsense");
  EXPECT_EQ(make(o).code(), StatusCode::kInvalidArgument);
  o = options(bootstrap_);
  o.heartbeat_interval = milliseconds(1500);  // 1500 + 600 >= 2000
  EXPECT_NE(make(o).message().find("heartbeat.interval.ms"), std::string_view::npos);
  o = options(bootstrap_);
  o.session_timeout = milliseconds(0);
  EXPECT_EQ(make(o).code(), StatusCode::kInvalidArgument);
  EXPECT_NE(make(options(bootstrap_), {}).message().find("no protocol"), std::string_view::npos);
  EXPECT_NE(make(options(bootstrap_), {{"v1", {}}, {"v1", {}}}).message().find("twice"),
            std::string_view::npos);
  EXPECT_EQ(GroupMember::create(options(bootstrap_), {{"v1", {}}}, nullptr).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sluice::membership
