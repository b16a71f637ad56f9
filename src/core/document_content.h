#pragma once
// What an uploaded file is (SPEC §4.10, §3.6): the type comes from the content's magic bytes, never
// from the client's name; a name may only confirm it. Pure functions, thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace senderid {

struct ContentType {
  std::string_view extension;  // what stored names end with: png, gif, jpg, pdf, tif
  std::string_view mime;
};

// png (\x89PNG\r\n\x1a\n), gif (GIF87a/GIF89a), jpeg (FF D8 FF), pdf (%PDF-), tiff (II*\0 / MM\0*);
// nullopt for anything else, including an empty file.
std::optional<ContentType> DetectContentType(std::string_view bytes);

// Whether the text after the name's last dot is a known extension (png gif jpg jpeg pdf tif tiff,
// any case) of a type other than `type`. Unknown or missing extensions contradict nothing.
bool NameContradicts(std::string_view name, const ContentType& type);

// "SENDERID-APPROVAL" or "SENDERID_APPROVAL" → "SENDERID_APPROVAL"; nullopt for an unknown category.
std::optional<std::string> NormalizeCategory(std::string_view category);

}  // namespace senderid
