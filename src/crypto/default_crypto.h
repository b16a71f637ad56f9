#pragma once
// The production Crypto and Random ports: OpenSSL 3 (HMAC via EVP_MAC, CRYPTO_memcmp, RAND_bytes) and
// libsodium (XChaCha20-Poly1305 for secrets at rest). Thread-safe.

#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/ports/crypto.h"
#include "core/ports/random.h"

namespace senderid {

// Raw HMAC of `message` under `key` (what DefaultCrypto::Hmac does, without a master key).
std::string ComputeHmac(MacAlgorithm algorithm, std::string_view key, std::string_view message);

class DefaultCrypto final : public Crypto {
 public:
  static constexpr size_t kMasterKeySize = 32;

  // `master_key` must be kMasterKeySize bytes; separate subkeys are derived from it per use.
  explicit DefaultCrypto(std::string_view master_key);

  std::string Hmac(MacAlgorithm algorithm, std::string_view key,
                   std::string_view message) const override;
  bool ConstantTimeEquals(std::string_view a, std::string_view b) const override;
  std::string Seal(std::string_view plaintext, std::string_view associated) const override;
  Result<std::string> Open(std::string_view sealed, std::string_view associated) const override;
  std::string KeyedHash(std::string_view purpose, std::string_view data) const override;
  Result<std::string> HashPassword(std::string_view password) const override;
  bool VerifyPassword(std::string_view hash, std::string_view password) const override;

 private:
  std::string master_key_;
  std::string seal_key_;
  mutable std::mutex derived_mu_;
  mutable std::map<std::string, std::string, std::less<>> derived_;  // KeyedHash keys by purpose
};

class SystemRandom final : public Random {
 public:
  void Fill(uint8_t* out, size_t n) override;
};

// Reads the master key file (exactly 32 bytes, or 64 hex characters plus optional whitespace). When
// `create_if_missing` and the file does not exist, writes a fresh random key with mode 0600 first.
Result<std::string> LoadMasterKey(const std::string& path, bool create_if_missing);

}  // namespace senderid
