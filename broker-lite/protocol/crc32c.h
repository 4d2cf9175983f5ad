// CRC-32C (Castagnoli), the checksum of Kafka record batches (magic 2). Uses the SSE4.2 crc32
// instruction when the CPU has it, a slicing table otherwise.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sluice::kafka {

// Extends `crc` (0 for a fresh checksum) over `data`. `data` is only read during the call.
uint32_t crc32c_extend(uint32_t crc, const uint8_t* data, size_t size);

inline uint32_t crc32c(std::span<const uint8_t> data) {
  return crc32c_extend(0, data.data(), data.size());
}

// True when the hardware path is in use (reported in the broker's start-up log).
bool crc32c_hardware_accelerated();

}  // namespace sluice::kafka
