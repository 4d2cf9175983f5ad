"""Helpers of the broker-lite integration suite: broker processes, the Kafka wire probe, segment
parsing and the runners of the external client programs."""
