// Test helpers for broker-lite's server layer: an in-process Broker on its own thread (real or
// injected file system, clean stop or simulated crash), a blocking loopback Kafka client that
// writes frames by hand with the generated codecs, and small builders for record batches.
#pragma once

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "broker-lite/log/file_system.h"
#include "broker-lite/protocol/endian.h"
#include "broker-lite/protocol/messages.h"
#include "broker-lite/protocol/record_batch.h"
#include "broker-lite/protocol/request_header.h"
#include "broker-lite/protocol/wire.h"
#include "broker-lite/server/broker.h"
#include "broker-lite/server/broker_config.h"

namespace sluice::broker::testing {

// A fresh directory under the test temp dir, removed (recursively) on destruction.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "sluice-server-XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    const char* made = ::mkdtemp(buf.data());
    EXPECT_NE(made, nullptr) << "mkdtemp " << pattern;
    path_ = made ? made : pattern;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A config for tests: loopback, ephemeral port, no group join delay.
inline BrokerConfig test_config(const std::string& log_dir) {
  BrokerConfig c;
  c.listeners = {Listener{"PLAINTEXT", "127.0.0.1", 0}};
  c.log_dir = log_dir;
  c.group_initial_rebalance_delay_ms = 0;
  return c;
}

// A Broker running run() on its own thread. `fs` (optional, borrowed) must outlive it.
class BrokerThread {
 public:
  explicit BrokerThread(BrokerConfig config, log::FileSystem* fs = nullptr)
      : broker_(fs ? std::make_unique<Broker>(std::move(config), fs)
                   : std::make_unique<Broker>(std::move(config))) {}
  ~BrokerThread() { stop(); }
  BrokerThread(const BrokerThread&) = delete;
  BrokerThread& operator=(const BrokerThread&) = delete;

  Status start() {
    Status s = broker_->start();
    if (s) thread_ = std::thread([this]() { broker_->run(); });
    return s;
  }
  // Clean stop: waits until run() returned (logs closed, marker written).
  void stop() {
    if (!thread_.joinable()) return;
    broker_->request_stop();
    thread_.join();
  }
  // Simulated crash: waits until the network and sync threads ended without closing the logs.
  void crash() {
    if (!thread_.joinable()) return;
    broker_->request_crash_for_testing();
    thread_.join();
  }
  uint16_t port() const { return broker_->bound_port(); }
  Broker& broker() { return *broker_; }

 private:
  std::unique_ptr<Broker> broker_;
  std::thread thread_;
};

// One response frame, split into header and body.
struct ResponseFrame {
  int32_t correlation_id = 0;
  std::vector<uint8_t> body;
};

// A blocking Kafka client on one loopback TCP connection. Every read waits at most
// `timeout_ms`; a closed connection or a timeout yields nullopt (see last_error()).
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
    }
    int one = 1;
    if (fd_ >= 0) ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return fd_ >= 0; }
  const std::string& last_error() const { return error_; }

  // Writes raw bytes; false when the connection is gone.
  bool send_bytes(std::span<const uint8_t> bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
      if (n <= 0) {
        error_ = "send failed";
        return false;
      }
      done += static_cast<size_t>(n);
    }
    return true;
  }

  // Encodes a whole request frame (size, header, body) at `version`.
  template <typename Request>
  static std::vector<uint8_t> encode_request(const Request& req, int16_t version,
                                             int32_t correlation_id,
                                             const std::string& client_id = "raw-test") {
    kafka::WireWriter w;
    const size_t size_pos = w.reserve_int32();
    kafka::RequestHeader h;
    h.request_api_key = Request::kApiKey;
    h.request_api_version = version;
    h.correlation_id = correlation_id;
    h.client_id = client_id;
    kafka::encode_request_header(w, h);
    req.encode(w, version);
    w.patch_int32(size_pos, static_cast<int32_t>(w.size() - 4));
    return w.flatten();
  }

  template <typename Request>
  bool send(const Request& req, int16_t version, int32_t correlation_id) {
    return send_bytes(encode_request(req, version, correlation_id));
  }

  // Reads one response frame. `header_version` 1 skips the flexible header's tagged fields.
  std::optional<ResponseFrame> read_frame(int16_t header_version, int timeout_ms = 5000) {
    uint8_t size_bytes[4];
    if (!read_exact(size_bytes, 4, timeout_ms)) return std::nullopt;
    const int32_t size = static_cast<int32_t>(kafka::load_be32(size_bytes));
    if (size < 4 || size > (256 << 20)) {
      error_ = "bad response size " + std::to_string(size);
      return std::nullopt;
    }
    std::vector<uint8_t> frame(static_cast<size_t>(size));
    if (!read_exact(frame.data(), frame.size(), timeout_ms)) return std::nullopt;
    kafka::WireReader r(frame);
    ResponseFrame out;
    out.correlation_id = r.read_int32();
    if (header_version >= 1) r.skip_tagged_fields();
    if (!r.ok()) {
      error_ = "bad response header: " + r.error();
      return std::nullopt;
    }
    out.body.assign(frame.begin() + static_cast<std::ptrdiff_t>(r.position()), frame.end());
    return out;
  }

  // Reads and decodes one response of type Response at `version`; checks the correlation id and
  // that the body decodes completely.
  template <typename Response>
  std::optional<Response> read_response(int16_t version, int32_t correlation_id,
                                        int timeout_ms = 5000) {
    auto frame = read_frame(kafka::response_header_version(Response::kApiKey, version), timeout_ms);
    if (!frame) return std::nullopt;
    if (frame->correlation_id != correlation_id) {
      error_ = "correlation id " + std::to_string(frame->correlation_id) + ", expected " +
               std::to_string(correlation_id);
      return std::nullopt;
    }
    kafka::WireReader r(frame->body);
    Response resp;
    Status s = resp.decode(r, version);
    if (!s || r.remaining() != 0) {
      error_ = "response does not decode: " + s.to_string();
      return std::nullopt;
    }
    // Keep record data alive: RecordsRef fields view the body.
    bodies_.push_back(std::move(frame->body));
    return resp;
  }

  // Sends a request and reads its response.
  template <typename Response, typename Request>
  std::optional<Response> call(const Request& req, int16_t version, int timeout_ms = 5000) {
    const int32_t id = next_correlation_id_++;
    if (!send(req, version, id)) return std::nullopt;
    return read_response<Response>(version, id, timeout_ms);
  }

  // True when the peer closed the connection within `timeout_ms` (EOF or reset, with no data).
  bool wait_closed(int timeout_ms = 5000) {
    uint8_t byte;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, timeout_ms) <= 0) return false;
    ssize_t n = ::recv(fd_, &byte, 1, 0);
    return n <= 0;
  }

 private:
  bool read_exact(uint8_t* out, size_t n, int timeout_ms) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    size_t done = 0;
    while (done < n) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                            deadline - std::chrono::steady_clock::now())
                            .count();
      pollfd p{fd_, POLLIN, 0};
      if (left <= 0 || ::poll(&p, 1, static_cast<int>(left)) <= 0) {
        error_ = "timed out waiting for a response";
        return false;
      }
      ssize_t got = ::recv(fd_, out + done, n - done, 0);
      if (got <= 0) {
        error_ = "connection closed";
        return false;
      }
      done += static_cast<size_t>(got);
    }
    return true;
  }

  int fd_ = -1;
  int32_t next_correlation_id_ = 1;
  std::string error_;
  std::vector<std::vector<uint8_t>> bodies_;
};

inline std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

inline std::string as_string(std::optional<std::span<const uint8_t>> bytes) {
  if (!bytes) return "<null>";
  return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

// One uncompressed batch holding `values` (null keys), timestamps `ts`, ts+1, ...
inline std::vector<uint8_t> make_batch(
    const std::vector<std::string>& values, int64_t ts = 1700000000000,
    kafka::CompressionCodec codec = kafka::CompressionCodec::kNone) {
  kafka::RecordBatchBuilder b;
  b.set_compression(codec);
  for (size_t i = 0; i < values.size(); ++i)
    b.append(ts + static_cast<int64_t>(i), std::nullopt, as_bytes(values[i]));
  auto built = b.build();
  EXPECT_TRUE(built.is_ok()) << built.status().to_string();
  return built ? std::move(built).value() : std::vector<uint8_t>{};
}

// A Produce request for one partition; `batch` must outlive the request.
inline kafka::ProduceRequest make_produce(const std::string& topic, int32_t partition,
                                          const std::vector<uint8_t>& batch, int16_t acks) {
  kafka::ProduceRequest req;
  req.acks = acks;
  req.timeout_ms = 10000;
  kafka::ProduceRequest::TopicProduceData td;
  td.name = topic;
  kafka::ProduceRequest::PartitionProduceData pd;
  pd.index = partition;
  pd.records.data = batch.data();
  pd.records.size = batch.size();
  pd.records.is_null = false;
  td.partition_data.push_back(pd);
  req.topic_data.push_back(std::move(td));
  return req;
}

// A Fetch request for one partition.
inline kafka::FetchRequest make_fetch(const std::string& topic, int32_t partition, int64_t offset,
                                      int32_t max_wait_ms = 0, int32_t min_bytes = 1,
                                      int32_t partition_max_bytes = 1 << 20) {
  kafka::FetchRequest req;
  req.max_wait_ms = max_wait_ms;
  req.min_bytes = min_bytes;
  req.max_bytes = 64 << 20;
  kafka::FetchRequest::FetchTopic t;
  t.topic = topic;
  kafka::FetchRequest::FetchPartition p;
  p.partition = partition;
  p.fetch_offset = offset;
  p.partition_max_bytes = partition_max_bytes;
  t.partitions.push_back(p);
  req.topics.push_back(std::move(t));
  return req;
}

// A CreateTopics request for one topic.
inline kafka::CreateTopicsRequest make_create_topic(
    const std::string& name, int32_t partitions, int16_t replication_factor = 1,
    const std::vector<std::pair<std::string, std::string>>& configs = {}) {
  kafka::CreateTopicsRequest req;
  kafka::CreateTopicsRequest::CreatableTopic t;
  t.name = name;
  t.num_partitions = partitions;
  t.replication_factor = replication_factor;
  for (const auto& [k, v] : configs) {
    kafka::CreateTopicsRequest::CreateableTopicConfig c;
    c.name = k;
    c.value = v;
    t.configs.push_back(std::move(c));
  }
  req.topics.push_back(std::move(t));
  req.timeout_ms = 5000;
  return req;
}

// A ListOffsets request for one partition at `timestamp` (-1 latest, -2 earliest).
inline kafka::ListOffsetsRequest make_list_offsets(const std::string& topic, int32_t partition,
                                                   int64_t timestamp) {
  kafka::ListOffsetsRequest req;
  req.replica_id = -1;
  kafka::ListOffsetsRequest::ListOffsetsTopic t;
  t.name = topic;
  kafka::ListOffsetsRequest::ListOffsetsPartition p;
  p.partition_index = partition;
  p.timestamp = timestamp;
  t.partitions.push_back(p);
  req.topics.push_back(std::move(t));
  return req;
}

// A frame whose header is written by hand (any key and version, known or not) and whose body is
// `body` as is.
inline std::vector<uint8_t> raw_frame(int16_t api_key, int16_t api_version, int32_t correlation_id,
                                      std::span<const uint8_t> body) {
  kafka::WireWriter w;
  const size_t size_pos = w.reserve_int32();
  kafka::RequestHeader h;
  h.request_api_key = api_key;
  h.request_api_version = api_version;
  h.correlation_id = correlation_id;
  h.client_id = "raw-test";
  kafka::encode_request_header(w, h);
  w.write_raw(body);
  w.patch_int32(size_pos, static_cast<int32_t>(w.size() - 4));
  return w.flatten();
}

// One record read back: its offset and value.
struct FetchedRecord {
  int64_t offset;
  std::string value;
};

// Every record of the batches in `records` (a Fetch response's record set).
inline std::vector<FetchedRecord> records_of(const kafka::RecordsRef& records) {
  std::vector<FetchedRecord> out;
  std::span<const uint8_t> rest = records.bytes();
  std::vector<uint8_t> scratch;
  while (rest.size() >= kafka::batch_layout::kHeaderSize) {
    kafka::BatchHeader h = kafka::read_batch_header(rest);
    if (h.total_size() > rest.size()) break;  // a partial batch at the end of a fetch
    Status s = kafka::for_each_record(
        rest.first(h.total_size()), 64 << 20, scratch, [&](const kafka::RecordView& r) {
          out.push_back({h.base_offset + r.offset_delta, as_string(r.value)});
        });
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    rest = rest.subspan(h.total_size());
  }
  return out;
}

// Versions the tests speak (all advertised by broker-lite, none flexible unless said).
inline constexpr int16_t kProduceV = 7;
inline constexpr int16_t kFetchV = 11;
inline constexpr int16_t kMetadataV = 8;
inline constexpr int16_t kListOffsetsV = 3;
inline constexpr int16_t kCreateTopicsV = 4;
inline constexpr int16_t kOffsetCommitV = 7;
inline constexpr int16_t kOffsetFetchV = 5;

// Creates a topic and expects success.
inline void create_topic(RawClient& c, const std::string& name, int32_t partitions,
                         const std::vector<std::pair<std::string, std::string>>& configs = {}) {
  auto resp = c.call<kafka::CreateTopicsResponse>(make_create_topic(name, partitions, 1, configs),
                                                  kCreateTopicsV);
  ASSERT_TRUE(resp) << c.last_error();
  ASSERT_EQ(resp->topics.size(), 1u);
  ASSERT_EQ(resp->topics[0].error_code, 0) << resp->topics[0].error_message.value_or("");
}

// Fetches every record of a partition from `offset` to its end (several Fetches if needed).
inline std::vector<FetchedRecord> fetch_all(RawClient& c, const std::string& topic,
                                            int32_t partition, int64_t offset = 0) {
  std::vector<FetchedRecord> all;
  for (int round = 0; round < 10000; ++round) {
    auto resp = c.call<kafka::FetchResponse>(make_fetch(topic, partition, offset), kFetchV);
    EXPECT_TRUE(resp) << c.last_error();
    if (!resp) break;
    const auto& pd = resp->responses.at(0).partitions.at(0);
    EXPECT_EQ(pd.error_code, 0);
    auto got = records_of(pd.records);
    if (got.empty()) break;
    for (auto& r : got) {
      if (r.offset >= offset) all.push_back(std::move(r));
    }
    offset = all.empty() ? offset : all.back().offset + 1;
    if (offset >= pd.high_watermark) break;
  }
  return all;
}

// The committed offset of (group, topic, partition) as OffsetFetch reports it (-1: none); its
// metadata into `metadata` when given.
inline int64_t committed_offset(RawClient& c, const std::string& group, const std::string& topic,
                                int32_t partition, std::string* metadata = nullptr) {
  kafka::OffsetFetchRequest req;
  req.group_id = group;
  req.topics.emplace();
  kafka::OffsetFetchRequest::OffsetFetchRequestTopic t;
  t.name = topic;
  t.partition_indexes = {partition};
  req.topics->push_back(t);
  auto r = c.call<kafka::OffsetFetchResponse>(req, kOffsetFetchV);
  EXPECT_TRUE(r) << c.last_error();
  if (!r) return -2;
  EXPECT_EQ(r->error_code, 0);
  const auto& p = r->topics.at(0).partitions.at(0);
  EXPECT_EQ(p.error_code, 0);
  if (metadata) *metadata = p.metadata.value_or("<null>");
  return p.committed_offset;
}

}  // namespace sluice::broker::testing
