#pragma once
// SHA-256 of bytes given in pieces (OpenSSL EVP): the checksums of a backup's files, which may be
// larger than memory. Not thread-safe: one object per file.

#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace senderid {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(std::string_view bytes);
  // Lowercase hex of the digest of everything given so far; the object is spent afterwards.
  std::string HexDigest();

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace senderid
