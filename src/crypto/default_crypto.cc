#include "crypto/default_crypto.h"

#include "core/hex.h"

#include <fcntl.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace senderid {
namespace {

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// One HMAC context per thread and digest, made once: creating a context and fetching its digest
// by name on every call was most of an HMAC's cost (issue 16). EVP_MAC_init with a new key and no
// parameters starts a fresh MAC with the digest already set.
EVP_MAC_CTX* ThreadContext(const char* digest) {
  // EVP_MAC_fetch is costly; fetch once per process and keep it (the handle is thread-safe).
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  struct Context {
    EVP_MAC_CTX* ctx = nullptr;
    ~Context() { EVP_MAC_CTX_free(ctx); }
  };
  thread_local Context sha256, md5;
  Context& slot = std::string_view(digest) == "MD5" ? md5 : sha256;
  if (slot.ctx == nullptr && mac != nullptr) {
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
        OSSL_PARAM_construct_end()};
    if (ctx != nullptr && EVP_MAC_CTX_set_params(ctx, params) == 1) {
      slot.ctx = ctx;
    } else {
      EVP_MAC_CTX_free(ctx);
    }
  }
  return slot.ctx;
}

std::string HmacImpl(const char* digest, std::string_view key, std::string_view message) {
  EVP_MAC_CTX* ctx = ThreadContext(digest);
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t out_len = 0;
  // A zero-length key must still replace the previous one: init takes a non-null pointer.
  static const unsigned char kEmpty = 0;
  const unsigned char* k = key.empty() ? &kEmpty : Bytes(key);
  const bool ok = ctx != nullptr && EVP_MAC_init(ctx, k, key.size(), nullptr) == 1 &&
                  EVP_MAC_update(ctx, Bytes(message), message.size()) == 1 &&
                  EVP_MAC_final(ctx, out, &out_len, sizeof out) == 1;
  if (!ok) std::abort();  // only on a broken OpenSSL installation
  return std::string(reinterpret_cast<const char*>(out), out_len);
}

std::string DeriveKey(std::string_view master, std::string_view label) {
  return HmacImpl("SHA256", master, std::string("senderid:") + std::string(label));
}

}  // namespace

DefaultCrypto::DefaultCrypto(std::string_view master_key)
    : master_key_(master_key), seal_key_(DeriveKey(master_key, "secret-box")) {
  if (sodium_init() < 0) std::abort();
}

std::string ComputeHmac(MacAlgorithm algorithm, std::string_view key, std::string_view message) {
  return HmacImpl(algorithm == MacAlgorithm::kHmacMd5 ? "MD5" : "SHA256", key, message);
}

std::string DefaultCrypto::Hmac(MacAlgorithm algorithm, std::string_view key,
                                std::string_view message) const {
  return HmacImpl(algorithm == MacAlgorithm::kHmacMd5 ? "MD5" : "SHA256", key, message);
}

bool DefaultCrypto::ConstantTimeEquals(std::string_view a, std::string_view b) const {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string DefaultCrypto::Seal(std::string_view plaintext, std::string_view associated) const {
  constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  std::string out(kNonce + plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  randombytes_buf(o, kNonce);
  unsigned long long len = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(o + kNonce, &len, Bytes(plaintext), plaintext.size(),
                                             Bytes(associated), associated.size(), nullptr, o,
                                             Bytes(seal_key_));
  out.resize(kNonce + len);
  return out;
}

Result<std::string> DefaultCrypto::Open(std::string_view sealed,
                                        std::string_view associated) const {
  constexpr size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  if (sealed.size() < kNonce + crypto_aead_xchacha20poly1305_ietf_ABYTES)
    return Error(ErrorCode::kInternalError, "sealed value too short");
  std::string out(sealed.size() - kNonce, '\0');
  unsigned long long len = 0;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(
          reinterpret_cast<unsigned char*>(out.data()), &len, nullptr, Bytes(sealed) + kNonce,
          sealed.size() - kNonce, Bytes(associated), associated.size(), Bytes(sealed),
          Bytes(seal_key_)) != 0)
    return Error(ErrorCode::kInternalError, "sealed value does not open under this master key");
  out.resize(len);
  return out;
}

Result<std::string> DefaultCrypto::HashPassword(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  // crypto_pwhash_str is Argon2id (libsodium's default algorithm since 1.0.15).
  static_assert(crypto_pwhash_ALG_DEFAULT == crypto_pwhash_ALG_ARGON2ID13);
  if (crypto_pwhash_str(out, password.data(), password.size(), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                        crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
    return Error(ErrorCode::kServiceUnavailable, "password hashing ran out of memory");
  return std::string(out);
}

bool DefaultCrypto::VerifyPassword(std::string_view hash, std::string_view password) const {
  // libsodium wants a NUL-terminated string of at most crypto_pwhash_STRBYTES - 1 characters.
  if (hash.size() >= crypto_pwhash_STRBYTES) return false;
  const std::string terminated(hash);
  return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

std::string DefaultCrypto::KeyedHash(std::string_view purpose, std::string_view data) const {
  std::string key;
  {
    // A handful of fixed purposes; deriving the key again on every signed request cost an HMAC.
    std::lock_guard lock(derived_mu_);
    auto it = derived_.find(purpose);
    if (it == derived_.end())
      it = derived_.emplace(std::string(purpose), DeriveKey(master_key_, purpose)).first;
    key = it->second;
  }
  return HmacImpl("SHA256", key, data);
}

void SystemRandom::Fill(uint8_t* out, size_t n) {
  if (RAND_bytes(out, static_cast<int>(n)) != 1) std::abort();
}

Result<std::string> LoadMasterKey(const std::string& path, bool create_if_missing) {
  if (create_if_missing && access(path.c_str(), F_OK) != 0 && errno == ENOENT) {
    unsigned char key[DefaultCrypto::kMasterKeySize];
    if (RAND_bytes(key, sizeof key) != 1) std::abort();
    const std::string hex =
        ToHex(std::string_view(reinterpret_cast<const char*>(key), sizeof key)) + "\n";
    // O_EXCL: two processes starting at once must not each write a different key.
    const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
      const bool written = write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) &&
                           fsync(fd) == 0;
      close(fd);
      if (!written) {
        unlink(path.c_str());
        return Error(ErrorCode::kServiceUnavailable, "cannot write master key file " + path);
      }
    } else if (errno != EEXIST) {
      return Error(ErrorCode::kServiceUnavailable,
                   "cannot create master key file " + path + ": " + std::strerror(errno));
    }
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error(ErrorCode::kServiceUnavailable, "cannot read master key file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() == DefaultCrypto::kMasterKeySize) return text;
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.pop_back();
  std::string key(DefaultCrypto::kMasterKeySize, '\0');
  size_t bin_len = 0;
  if (text.size() != 2 * DefaultCrypto::kMasterKeySize ||
      sodium_hex2bin(reinterpret_cast<unsigned char*>(key.data()), key.size(), text.data(),
                     text.size(), nullptr, &bin_len, nullptr) != 0 ||
      bin_len != key.size())
    return Error(ErrorCode::kServiceUnavailable,
                 "master key file " + path + " must hold 32 bytes or 64 hex characters");
  return key;
}

}  // namespace senderid
