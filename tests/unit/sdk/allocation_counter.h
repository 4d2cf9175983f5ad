// Counts heap allocations for the "steady state allocates nothing" tests: replaces the global
// operator new/delete (malloc/free underneath) and counts the allocations made on the current
// thread while an AllocationCount is alive. A dlopen'ed plugin uses the replacement too, since
// the test executable's definition comes first in the global symbol scope. Defines replaceable
// functions, so include it in exactly one source file of a test binary.
#ifndef SLUICE_TESTS_UNIT_SDK_ALLOCATION_COUNTER_H_
#define SLUICE_TESTS_UNIT_SDK_ALLOCATION_COUNTER_H_

#include <cstddef>
#include <cstdlib>
#include <new>

namespace sluice::testing_alloc {

inline thread_local bool t_counting = false;
inline thread_local size_t t_allocations = 0;

// Counts the allocations of its own lifetime, on this thread. Not nestable.
class AllocationCount {
 public:
  AllocationCount() {
    t_allocations = 0;
    t_counting = true;
  }
  ~AllocationCount() { t_counting = false; }
  AllocationCount(const AllocationCount&) = delete;
  AllocationCount& operator=(const AllocationCount&) = delete;
  [[nodiscard]] size_t so_far() const { return t_allocations; }
};

}  // namespace sluice::testing_alloc

void* operator new(size_t size) {
  if (sluice::testing_alloc::t_counting) ++sluice::testing_alloc::t_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// GCC sees free() of a pointer from operator new after inlining and warns; here operator new is
// the malloc above, so the pair matches.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, size_t) noexcept {
  std::free(p);
}
#pragma GCC diagnostic pop

#endif  // SLUICE_TESTS_UNIT_SDK_ALLOCATION_COUNTER_H_
