#pragma once
// Cryptographic primitives the core needs, behind one port so that the core includes no OpenSSL or
// libsodium header. Thread-safe.

#include <string>
#include <string_view>

#include "core/error.h"

namespace senderid {

enum class MacAlgorithm { kHmacSha256, kHmacMd5 };

class Crypto {
 public:
  virtual ~Crypto() = default;

  // Raw (binary) HMAC of `message` keyed with `key`.
  virtual std::string Hmac(MacAlgorithm algorithm, std::string_view key,
                           std::string_view message) const = 0;

  // Equality in time independent of where the inputs differ (lengths may leak).
  virtual bool ConstantTimeEquals(std::string_view a, std::string_view b) const = 0;

  // Authenticated encryption with the server's master key; `associated` binds the ciphertext to its
  // place (e.g. "api_keys:NCS…") so that it cannot be moved to another row.
  virtual std::string Seal(std::string_view plaintext, std::string_view associated) const = 0;
  // kInternalError when the ciphertext was tampered with or sealed under another master key.
  virtual Result<std::string> Open(std::string_view sealed, std::string_view associated) const = 0;

  // HMAC-SHA256 under a server-secret key derived for `purpose`: what is stored instead of a secret
  // that only needs to be recognised later (ARS codes).
  virtual std::string KeyedHash(std::string_view purpose, std::string_view data) const = 0;

  // An operator's password as stored: Argon2id at libsodium's INTERACTIVE limits, in its string
  // form (salt and parameters inside). Slow and memory-hungry on purpose (~64 MiB, ~0.1 s):
  // callers bound how many run at once. kServiceUnavailable when memory runs out.
  virtual Result<std::string> HashPassword(std::string_view password) const = 0;
  // Whether `password` matches a HashPassword result (false for a malformed hash). Takes the time
  // of one hash whatever the outcome.
  virtual bool VerifyPassword(std::string_view hash, std::string_view password) const = 0;
};

}  // namespace senderid
