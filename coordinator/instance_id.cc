#include "coordinator/instance_id.h"

#include <fmt/format.h>

#include <atomic>
#include <cstdint>
#include <random>

namespace sagad::coordinator {
namespace {

constexpr std::size_t kMaxReadableKey = 96;

bool UrlSafe(std::string_view key) {
  if (key.empty() || key.size() > kMaxReadableKey) return false;
  for (char c : key) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
              c == '.' || c == '~';
    if (!ok) return false;
  }
  // A leading '#' or '~' marks the generated forms; '~' cannot lead a key.
  return key.front() != '~';
}

// FNV-1a, 64 bits: stable across processes and platforms (std::hash is not).
std::uint64_t Fnv1a(std::string_view text, std::uint64_t seed) {
  std::uint64_t h = seed;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  return h;
}

}  // namespace

std::string InstanceIdForKey(std::string_view definition, std::string_view key) {
  if (UrlSafe(key)) return fmt::format("{}:{}", definition, key);
  return fmt::format("{}:#{:016x}{:016x}", definition, Fnv1a(key, 0xcbf29ce484222325ULL),
                     Fnv1a(key, 0x84222325cbf29ce4ULL));
}

std::string NewInstanceId(std::string_view definition) {
  // Random per process, then a counter: unique without a lock.
  static const std::uint64_t prefix = [] {
    std::random_device device;
    return (static_cast<std::uint64_t>(device()) << 32) ^ device();
  }();
  static std::atomic<std::uint64_t> counter{0};
  return fmt::format("{}:~{:016x}{:08x}", definition, prefix, counter.fetch_add(1));
}

}  // namespace sagad::coordinator
