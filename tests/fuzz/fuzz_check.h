#pragma once
// What every fuzz target shares: an invariant check that aborts (libFuzzer then saves the input as
// a crash) with a message naming the broken invariant, and a printable view of an input.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace senderid::fuzz {

// The bytes with everything outside printable ASCII escaped as \xNN (for messages).
inline std::string Printable(std::string_view s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f && c != '\\') {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out;
}

[[noreturn]] inline void Fail(const char* file, int line, const char* condition,
                              std::string_view what) {
  std::fprintf(stderr, "%s:%d: invariant broken: %s\n  %s\n", file, line, condition,
               Printable(what).c_str());
  std::abort();
}

}  // namespace senderid::fuzz

// FUZZ_CHECK(condition, context): `context` (anything convertible to std::string_view) is printed
// when the condition is false.
#define FUZZ_CHECK(condition, context)                                                   \
  do {                                                                                   \
    if (!(condition)) ::senderid::fuzz::Fail(__FILE__, __LINE__, #condition, (context)); \
  } while (false)
