#include "crypto/sha256.h"

#include <openssl/evp.h>

#include <cstdlib>

#include "core/hex.h"

namespace senderid {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  // Out of memory, or an OpenSSL without SHA-256: nothing sensible can go on.
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) std::abort();
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(std::string_view bytes) {
  if (EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) != 1) std::abort();
}

std::string Sha256::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(ctx_, digest, &size) != 1) std::abort();
  return ToHex(std::string_view(reinterpret_cast<const char*>(digest), size));
}

}  // namespace senderid
