// A test fixture base that runs a real broker-lite in-process on a free loopback port for the
// duration of each test; bootstrap_ is its address for Kafka clients. A fixture changes the
// broker's settings by overriding configure().
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "tests/unit/server/broker_test_util.h"

namespace sluice::kafka_client::testing {

class InProcessBrokerTest : public ::testing::Test {
 protected:
  // Called with the test broker's settings before it starts.
  virtual void configure(broker::BrokerConfig& /*config*/) {}

  void SetUp() override {
    broker::BrokerConfig config = broker::testing::test_config(dir_.path() + "/broker");
    configure(config);
    broker_ = std::make_unique<broker::testing::BrokerThread>(std::move(config));
    ASSERT_TRUE(broker_->start());
    bootstrap_ = "127.0.0.1:" + std::to_string(broker_->port());
  }
  void TearDown() override { broker_->stop(); }

  broker::testing::TempDir dir_;
  std::unique_ptr<broker::testing::BrokerThread> broker_;
  std::string bootstrap_;
};

}  // namespace sluice::kafka_client::testing
