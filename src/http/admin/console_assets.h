#pragma once
// The console's files (web/admin/), compiled into the binary at build time by
// cmake/embed_web.cmake: no CDN, nothing fetched while building or in the operator's browser.

#include <span>
#include <string_view>

namespace senderid::http::admin {

struct ConsoleFile {
  std::string_view name;          // file name in web/admin/, e.g. "app.js"
  std::string_view content_type;  // from the extension
  std::string_view bytes;
};

// Every file of web/admin/, by name. Generated.
std::span<const ConsoleFile> ConsoleFiles();

}  // namespace senderid::http::admin
