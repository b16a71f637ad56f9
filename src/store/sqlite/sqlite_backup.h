#pragma once
// An online copy of the embedded store for `senderid backup` (SPEC §14): the main file and its
// spent-signatures file, copied with SQLite's online backup API while serve and the CLI go on
// writing (WAL: a reader blocks no writer, no writer disturbs a reader's snapshot). Needs no lock
// of the store's: serve's single-instance lock stays where it is.

#include <cstdint>
#include <string>
#include <vector>

#include "core/error.h"

namespace senderid::sqlite {

// A document file the copied store refers to (a row of `documents`).
struct DocumentFile {
  std::string name;  // the blob's name in the documents directory
  int64_t size = 0;  // its length in bytes
};

struct StoreCopy {
  int schema_version = 0;               // PRAGMA user_version of the copy
  std::vector<DocumentFile> documents;  // every document the copy refers to
};

// Copies the store `path` into the new file `main_copy` and its signatures file
// (SignaturesPathOf(path)) into the new file `signatures_copy` (both mode 0600, written with
// synchronous=FULL), then checks each copy (PRAGMA quick_check). Both copies, the schema version
// and the document list come from one read transaction of one connection that has both files
// open: all of them show the same moment. kNotFound when there is no store at `path`;
// kServiceUnavailable when a file cannot be read or written.
Result<StoreCopy> CopyStore(const std::string& path, const std::string& main_copy,
                            const std::string& signatures_copy);

}  // namespace senderid::sqlite
