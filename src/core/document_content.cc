#include "core/document_content.h"

#include <array>

namespace senderid {
namespace {

constexpr ContentType kPng{"png", "image/png"};
constexpr ContentType kGif{"gif", "image/gif"};
constexpr ContentType kJpeg{"jpg", "image/jpeg"};
constexpr ContentType kPdf{"pdf", "application/pdf"};
constexpr ContentType kTiff{"tif", "image/tiff"};

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::optional<ContentType> DetectContentType(std::string_view b) {
  using namespace std::literals;
  if (StartsWith(b, "\x89PNG\r\n\x1a\n"sv)) return kPng;
  if (StartsWith(b, "GIF87a"sv) || StartsWith(b, "GIF89a"sv)) return kGif;
  if (StartsWith(b, "\xFF\xD8\xFF"sv)) return kJpeg;
  if (StartsWith(b, "%PDF-"sv)) return kPdf;
  if (StartsWith(b, "II*\0"sv) || StartsWith(b, "MM\0*"sv)) return kTiff;
  return std::nullopt;
}

bool NameContradicts(std::string_view name, const ContentType& type) {
  const size_t dot = name.rfind('.');
  if (dot == std::string_view::npos) return false;
  std::string ext;
  for (char c : name.substr(dot + 1)) ext += Lower(c);
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> kKnown = {{
      {"png", "png"}, {"gif", "gif"}, {"jpg", "jpg"}, {"jpeg", "jpg"},
      {"pdf", "pdf"}, {"tif", "tif"}, {"tiff", "tif"},
  }};
  for (const auto& [known, canonical] : kKnown)
    if (ext == known) return canonical != type.extension;
  return false;
}

std::optional<std::string> NormalizeCategory(std::string_view category) {
  std::string normalized(category);
  for (char& c : normalized)
    if (c == '-') c = '_';
  for (std::string_view known : {"SENDERID_APPROVAL", "SENDERID_LIMITATION",
                                 "SENDERID_IDENTIFICATION", "SENDERID_CONSIGNMENT"})
    if (normalized == known) return normalized;
  return std::nullopt;
}

}  // namespace senderid
