#include "core/ids.h"

#include <cstdint>

#include "core/hex.h"

namespace senderid {

std::string RandomString(Random& random, size_t n, std::string_view alphabet) {
  // Accept bytes below the largest multiple of the alphabet size so every character is equally likely.
  const unsigned size = static_cast<unsigned>(alphabet.size());
  const unsigned bound = 256 - 256 % size;
  std::string out;
  out.reserve(n);
  uint8_t buf[64];
  while (out.size() < n) {
    random.Fill(buf, sizeof buf);
    for (uint8_t b : buf) {
      if (b >= bound) continue;
      out += alphabet[b % size];
      if (out.size() == n) break;
    }
  }
  return out;
}

std::string NewId(std::string_view prefix, TimeMs now, Random& random) {
  std::string id(prefix);
  id += FormatKoreaStamp(now);
  id += RandomString(random, 15, kUpperAlnum);
  return id;
}

std::string RandomHex(Random& random, size_t bytes) {
  std::string raw(bytes, '\0');
  random.Fill(reinterpret_cast<uint8_t*>(raw.data()), bytes);
  return ToHex(raw);
}

}  // namespace senderid
