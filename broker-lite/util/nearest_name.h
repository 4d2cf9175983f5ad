// "Did you mean ...?" support shared by broker-lite's and the worker's config loaders: the edit
// (Levenshtein) distance between two names and the nearest of a set of known names.
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice {

// Insertions, deletions and substitutions needed to turn `a` into `b`.
inline size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

// Whether a known name `distance` edits away from a typed name of `typed_length` characters is
// close enough to be worth suggesting (at most 3 edits, or a third of the name if longer).
inline bool near_enough(size_t distance, size_t typed_length) {
  return distance <= std::max<size_t>(3, typed_length / 3);
}

// The candidate nearest to `unknown` (the first one on ties), or "" when none is near enough.
// `candidates` is any range; `name_of` maps an element to something convertible to
// std::string_view (identity by default). Nothing is kept after the call.
template <typename Range, typename NameOf = std::identity>
std::string nearest_name(std::string_view unknown, const Range& candidates, NameOf name_of = {}) {
  std::string_view best;
  size_t best_distance = SIZE_MAX;
  for (const auto& candidate : candidates) {
    std::string_view name = std::invoke(name_of, candidate);
    size_t d = edit_distance(unknown, name);
    if (d < best_distance) {
      best_distance = d;
      best = name;
    }
  }
  return best_distance != SIZE_MAX && near_enough(best_distance, unknown.size()) ? std::string(best)
                                                                                 : std::string();
}

}  // namespace sluice
