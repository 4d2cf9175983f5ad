// One received Kafka request and the slot its response goes into. Requests of a connection are
// answered strictly in arrival order: each gets a ResponseSlot when it is read, and the
// connection's writer sends slots front to back as they become ready, so a handler may answer at
// once or later (acks=all after fsync, a long-poll Fetch, a JoinGroup waiting for its group).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "broker-lite/protocol/messages.h"
#include "broker-lite/protocol/wire.h"

namespace sluice::broker {

class Connection;

// Filled once by a handler; read by the connection's writer. Lives on the network thread.
struct ResponseSlot {
  bool ready = false;
  bool close_after = false;  // close the connection instead of answering (e.g. acks=0 failure)
  bool no_response = false;  // acks=0 produce: nothing is written
  kafka::WireWriter out;     // the whole frame: size, header, body
};

struct Request {
  kafka::RequestHeader header;
  int16_t response_header_version = 0;
  // The frame's bytes (a pooled buffer, possibly longer than the frame); `body` points into it.
  // Shared so handlers that answer later may keep it.
  std::shared_ptr<std::vector<uint8_t>> frame;
  std::span<const uint8_t> body;
  std::shared_ptr<ResponseSlot> slot;
  std::weak_ptr<Connection> connection;
  std::string client_host;
  int64_t received_ms = 0;

  int16_t version() const { return header.request_api_version; }
  const std::string& client_id() const {
    static const std::string kEmpty;
    return header.client_id ? *header.client_id : kEmpty;
  }

  // Encodes `message` as this request's response and hands it to the connection's writer.
  template <typename Message>
  void reply(const Message& message) const {
    reply_as(message, header.request_api_version, response_header_version);
  }
  // Same, at an explicit body and header version (ApiVersions' v0 fallback).
  template <typename Message>
  void reply_as(const Message& message, int16_t body_version, int16_t header_version) const {
    kafka::WireWriter& w = slot->out;
    size_t size_pos = w.reserve_int32();
    kafka::encode_response_header(w, header.correlation_id, header_version);
    message.encode(w, body_version);
    w.patch_int32(size_pos, static_cast<int32_t>(w.size() - 4));
    mark_ready();
  }
  // No bytes are written for this request (acks=0 produce), but later responses may go out.
  void reply_nothing() const {
    slot->no_response = true;
    mark_ready();
  }
  // The connection is closed once every earlier response has been written.
  void close_connection() const {
    slot->close_after = true;
    mark_ready();
  }

 private:
  void mark_ready() const;
};

using RequestPtr = std::shared_ptr<Request>;

}  // namespace sluice::broker
