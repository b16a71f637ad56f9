#pragma once
// The answer that carries a document's bytes, to customers (GET /senderid/v1/documents/{id}/file)
// and to operators (GET /admin/v1/documents/{id}/file) alike (SPEC §3.6, §13): nothing an uploader
// put in a file may run script in a browser, least of all in the console's origin.
//  - Content-Type is the type the magic bytes gave at upload (png, gif, jpeg, pdf, tiff), never
//    the client's, and `X-Content-Type-Options: nosniff` forbids the browser to guess another:
//    a polyglot (a PNG that is also HTML) is only ever an image.
//  - `Content-Security-Policy: default-src 'none'; frame-ancestors 'self'`: no script, style,
//    fetch or plugin content of its own, and only a page of the same origin (the console) may
//    frame it. Images add `sandbox` (an opaque origin even if something did run); PDFs do not,
//    because a sandboxed document keeps Chromium's PDF viewer from showing it inline — their type
//    already keeps them from being read as HTML, and the viewer runs outside the page's origin.
//  - `Content-Disposition: inline` with the generated file name (never the client's).

#include "core/values.h"
#include "http/message.h"

namespace senderid::http {

Response DocumentBytesAnswer(DocumentFile file);

}  // namespace senderid::http
