// Waiter: see waiter.h. poll(2) over an eventfd and the caller's descriptor.
#include "connectors/common/waiter.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <system_error>

namespace sluice::connectors {

Waiter::Waiter() : event_fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
  if (event_fd_ < 0) throw std::system_error(errno, std::generic_category(), "eventfd");
}

Waiter::~Waiter() {
  ::close(event_fd_);
}

void Waiter::wake() noexcept {
  uint64_t one = 1;
  // A full counter (never in practice) already means "woken"; nothing else can fail here.
  [[maybe_unused]] ssize_t n = ::write(event_fd_, &one, sizeof one);
}

Waiter::Result Waiter::wait(int fd, Clock::time_point deadline) {
  for (;;) {
    auto now = Clock::now();
    auto left =
        deadline > now ? std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count() : 0;
    pollfd fds[2] = {{event_fd_, POLLIN, 0}, {fd, POLLIN, 0}};
    int rc = ::poll(fds, fd >= 0 ? 2 : 1, static_cast<int>(left));
    if (rc < 0) {
      if (errno == EINTR) continue;
      throw std::system_error(errno, std::generic_category(), "poll");
    }
    if (fds[0].revents != 0) {
      uint64_t count;
      [[maybe_unused]] ssize_t n = ::read(event_fd_, &count, sizeof count);
      return Result::kWoken;
    }
    if (fd >= 0 && fds[1].revents != 0) return Result::kReady;
    if (rc == 0 && Clock::now() >= deadline) return Result::kTimeout;
  }
}

}  // namespace sluice::connectors
