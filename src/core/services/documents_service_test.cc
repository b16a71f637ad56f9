// Tests for DocumentsService: evidence documents (SPEC §3.6, §4 endpoints 10–13, the file download,
// §4 "Bounds"), on the in-memory store and an in-memory BlobStore (test::MemoryBlobStore, whose
// modified_at comes from the FakeClock), plain and force-retry. Tables where SPEC has them: sizes,
// magic bytes, name contradictions, categories.

#include "core/services/documents_service.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "core/events.h"
#include "core/ids.h"
#include "core/time.h"
#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

using test::CodeOf;
using test::PdfBytes;
using test::PngBytes;

std::string Bytes(std::string_view magic, size_t size = 32) {
  std::string b(magic);
  b.resize(std::max(size, b.size()), 'z');
  return b;
}
const std::string kGif87 = Bytes("GIF87a");
const std::string kGif89 = Bytes("GIF89a");
const std::string kJpeg = Bytes(std::string_view("\xFF\xD8\xFF\xE0", 4));
const std::string kTiffLe = Bytes(std::string_view("II*\0", 4));
const std::string kTiffBe = Bytes(std::string_view("MM\0*", 4));

constexpr std::string_view kFileSizeTooLarge = "파일 크기는 700KB를 넘을 수 없습니다.";
constexpr std::string_view kInvalidFileType =
    "'png', 'gif', 'jpg', 'jpeg', 'pdf', 'tif', 'tiff'형식의 파일만 지원가능 합니다.";
constexpr std::string_view kInvalidDocumentId = "등록된 문서 정보를 찾을 수 없습니다.";

class DocumentsTest : public test::MemoryRegistryTest {
 protected:
  void SetUp() override { account_ = NewAccount().account_id; }

  Result<Document> Upload(const std::string& account, std::string bytes,
                          std::optional<std::string> name = std::nullopt,
                          std::string category = "SENDERID_APPROVAL",
                          const DocumentOptions& options = {}) {
    UploadInput in;
    in.bytes = std::move(bytes);
    in.category = std::move(category);
    in.name = std::move(name);
    return Documents(options).Upload(account, in);
  }
  Document MustUploadBytes(const std::string& account, std::string bytes,
                           std::optional<std::string> name = std::nullopt,
                           std::string category = "SENDERID_APPROVAL") {
    Result<Document> d = Upload(account, std::move(bytes), std::move(name), std::move(category));
    if (!d.ok()) {
      ADD_FAILURE() << "Upload: " << d.error().message;
      return Document{};
    }
    return std::move(d).value();
  }
  size_t Stored(const std::string& account) {
    return static_cast<size_t>(
        Query<int>([&](ReadTx& tx) { return tx.documents().Count(account); }));
  }
  // A refused upload leaves nothing: no row, no blob, no event.
  void ExpectNothingStored(const std::string& account, size_t rows, size_t blobs, size_t events) {
    EXPECT_EQ(Stored(account), rows);
    EXPECT_EQ(blobs_.size(), blobs);
    EXPECT_EQ(Events(account).size(), events);
  }

  static std::vector<std::string> Ids(const std::vector<Document>& docs) {
    std::vector<std::string> out;
    for (const Document& d : docs) out.push_back(d.document_id);
    return out;
  }

  std::string account_;
};

SID_ON_EVERY_MEMORY_STORE(DocumentsTest);

// ---------------------------------------------------------------------------------------------
// Upload

TEST_P(DocumentsTest, UploadStoresTheBytesThenTheRow) {
  clock_.Advance(kMinute);
  const TimeMs now = clock_.Now();
  const std::string bytes = PdfBytes(1000);
  Result<Document> r = Upload(account_, bytes, "사업자등록증.pdf", "SENDERID-APPROVAL");
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Document& d = *r;
  EXPECT_TRUE(std::regex_match(d.document_id, std::regex("DOC[0-9]{14}[A-Z0-9]{15}")))
      << d.document_id;
  EXPECT_EQ(d.document_id.substr(3, 14), FormatKoreaStamp(now));
  EXPECT_EQ(d.account_id, account_);
  EXPECT_TRUE(std::regex_match(d.name, std::regex("[A-Za-z0-9]{15}\\.pdf"))) << d.name;
  EXPECT_EQ(d.original_name, "사업자등록증.pdf");
  EXPECT_EQ(d.category, "SENDERID_APPROVAL");
  EXPECT_EQ(d.content_type, "application/pdf");
  EXPECT_EQ(d.size, 1000);
  EXPECT_FALSE(d.use);
  EXPECT_EQ(d.date_created, now);

  // The bytes under the generated name (never the client's), the row, the event.
  ASSERT_TRUE(blobs_.Has(d.name));
  EXPECT_EQ(blobs_.Get(d.name).value(), bytes);
  const Document stored = MustDocument(account_, d.document_id);
  EXPECT_EQ(stored.name, d.name);
  EXPECT_EQ(stored.original_name, d.original_name);
  EXPECT_EQ(stored.size, 1000);
  const std::vector<EventRecord> events = Events(account_);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, EventType::kDocumentUploaded);
  EXPECT_EQ(events[0].subject, d.document_id);
  EXPECT_EQ(events[0].sequence, 1);
  const Document data = std::get<Document>(Captured(events[0]).data);
  EXPECT_EQ(data.document_id, d.document_id);
  EXPECT_EQ(data.original_name, "사업자등록증.pdf");
}

TEST_P(DocumentsTest, SizeLimitIs700KB) {
  struct Case {
    size_t size;
    std::optional<ErrorCode> want;
  };
  const std::vector<Case> cases = {
      {716'800, std::nullopt},
      {716'799, std::nullopt},
      {716'801, ErrorCode::kFileSizeTooLarge},
      {2'000'000, ErrorCode::kFileSizeTooLarge},
  };
  size_t rows = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE(c.size);
    const size_t events = Events(account_).size();
    Result<Document> r = Upload(account_, PngBytes(c.size));
    EXPECT_EQ(CodeOf(r), c.want);
    if (r.ok()) {
      EXPECT_EQ(r->size, static_cast<int64_t>(c.size));
      ++rows;
    } else {
      EXPECT_EQ(r.error().message, kFileSizeTooLarge);
      ExpectNothingStored(account_, rows, rows, events);
    }
  }
  // Size is checked before type: an oversized file of no known type is too large, not invalid.
  EXPECT_EQ(CodeOf(Upload(account_, std::string(716'801, 'x'))), ErrorCode::kFileSizeTooLarge);
  // Configurable.
  DocumentOptions small;
  small.max_size = 100;
  EXPECT_EQ(CodeOf(Upload(account_, PngBytes(101), std::nullopt, "SENDERID_APPROVAL", small)),
            ErrorCode::kFileSizeTooLarge);
  EXPECT_TRUE(Upload(account_, PngBytes(100), std::nullopt, "SENDERID_APPROVAL", small).ok());
}

TEST_P(DocumentsTest, TypeComesFromTheMagicBytes) {
  struct Case {
    std::string_view what;
    std::string bytes;
    std::string_view extension;  // empty: refused
    std::string_view mime;
  };
  const std::vector<Case> cases = {
      {"png", PngBytes(), "png", "image/png"},
      {"gif87a", kGif87, "gif", "image/gif"},
      {"gif89a", kGif89, "gif", "image/gif"},
      {"jpeg", kJpeg, "jpg", "image/jpeg"},
      {"pdf", PdfBytes(), "pdf", "application/pdf"},
      {"tiff little-endian", kTiffLe, "tif", "image/tiff"},
      {"tiff big-endian", kTiffBe, "tif", "image/tiff"},
      {"empty", "", "", ""},
      {"text", "hello, world", "", ""},
      {"bmp", Bytes("BM"), "", ""},
      {"webp", Bytes(std::string_view("RIFF\x10\x00\x00\x00WEBPVP8 ", 16)), "", ""},
      {"zip", Bytes("PK\x03\x04"), "", ""},
      {"svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", "", ""},
      {"truncated png signature", std::string("\x89PNG\r\n", 6), "", ""},
      {"gif88a", Bytes("GIF88a"), "", ""},
      {"pdf without dash", Bytes("%PDF1.4"), "", ""},
      {"pdf after a space", Bytes(" %PDF-1.4"), "", ""},
      {"two jpeg bytes", std::string("\xFF\xD8", 2), "", ""},
      {"tiff with a wrong byte", Bytes(std::string_view("II+\0", 4)), "", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Result<Document> r = Upload(account_, c.bytes, std::nullopt);
    if (c.extension.empty()) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidFileType);
      EXPECT_EQ(r.error().message, kInvalidFileType);
      continue;
    }
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->content_type, c.mime);
    EXPECT_TRUE(
        std::regex_match(r->name, std::regex("[A-Za-z0-9]{15}\\." + std::string(c.extension))))
        << r->name;
    EXPECT_EQ(r->original_name, r->name) << "no client name: the generated one";
  }
  EXPECT_EQ(Stored(account_), 7u);
  EXPECT_EQ(blobs_.size(), 7u) << "refused files leave no blob";
}

TEST_P(DocumentsTest, ANameContradictsTheContentOnlyByAKnownExtensionOfAnotherType) {
  struct Case {
    std::string content_what;
    std::string bytes;
    std::string name;
    bool ok;
  };
  const std::vector<Case> cases = {
      {"jpeg", kJpeg, "PHOTO.JPG", true},
      {"jpeg", kJpeg, "photo.jpg", true},
      {"jpeg", kJpeg, "a.jpeg", true},
      {"jpeg", kJpeg, "a.JpEg", true},
      {"jpeg", kJpeg, "a.png", false},
      {"jpeg", kJpeg, "a.pdf", false},
      {"jpeg", kJpeg, "scan.tif", false},
      {"tiff", kTiffLe, "scan.tif", true},
      {"tiff", kTiffBe, "scan.TIFF", true},
      {"tiff", kTiffLe, "scan.tiff", true},
      {"tiff", kTiffLe, "scan.jpg", false},
      {"pdf", PdfBytes(), "report.v2", true},
      {"pdf", PdfBytes(), "report", true},
      {"pdf", PdfBytes(), "report.", true},
      {"pdf", PdfBytes(), "archive.png.pdf", true},
      {"pdf", PdfBytes(), "archive.pdf.png", false},
      {"pdf", PdfBytes(), "a.png", false},
      {"pdf", PdfBytes(), "a.PnG", false},
      {"pdf", PdfBytes(), "계약서.PDF", true},
      {"png", PngBytes(), "a.gif", false},
      {"png", PngBytes(), "a.txt", true},
      {"png", PngBytes(), "a.bmp", true},
      {"png", PngBytes(), "a.docx", true},
      {"gif", kGif89, "a.GIF", true},
      {"gif", kGif89, "a.jpg", false},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.content_what + " named " + c.name);
    Result<Document> r = Upload(account_, c.bytes, c.name);
    if (c.ok) {
      ASSERT_TRUE(r.ok()) << r.error().message;
      EXPECT_EQ(r->original_name, c.name);
      EXPECT_EQ(r->name.find(c.name), std::string::npos) << "stored under a generated name";
    } else {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidFileType);
      EXPECT_EQ(r.error().message, kInvalidFileType);
    }
  }
}

TEST_P(DocumentsTest, OriginalNameIsTheGeneratedNameWithoutAClientName) {
  for (const std::optional<std::string>& name :
       {std::optional<std::string>(), std::optional<std::string>("")}) {
    Result<Document> r = Upload(account_, PdfBytes(), name);
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_EQ(r->original_name, r->name);
  }
}

TEST_P(DocumentsTest, CategoriesAreStoredWithAnUnderscore) {
  struct Case {
    std::string given;
    std::string stored;  // empty: refused
  };
  const std::vector<Case> cases = {
      {"SENDERID_APPROVAL", "SENDERID_APPROVAL"},
      {"SENDERID-APPROVAL", "SENDERID_APPROVAL"},
      {"SENDERID_LIMITATION", "SENDERID_LIMITATION"},
      {"SENDERID-LIMITATION", "SENDERID_LIMITATION"},
      {"SENDERID_IDENTIFICATION", "SENDERID_IDENTIFICATION"},
      {"SENDERID-IDENTIFICATION", "SENDERID_IDENTIFICATION"},
      {"SENDERID_CONSIGNMENT", "SENDERID_CONSIGNMENT"},
      {"SENDERID-CONSIGNMENT", "SENDERID_CONSIGNMENT"},
      {"", ""},
      {"APPROVAL", ""},
      {"SENDERID_OTHER", ""},
      {"SENDERID APPROVAL", ""},
      {"SENDERID_APPROVAL ", ""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("'" + c.given + "'");
    Result<Document> r = Upload(account_, PdfBytes(), std::nullopt, c.given);
    if (c.stored.empty()) {
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.error().code, ErrorCode::kValidationError);
    } else {
      ASSERT_TRUE(r.ok()) << r.error().message;
      EXPECT_EQ(r->category, c.stored);
      EXPECT_EQ(MustDocument(account_, r->document_id).category, c.stored);
    }
  }
}

TEST_P(DocumentsTest, AFailedBlobWriteStoresNoRow) {
  blobs_.FailPuts(true);
  Result<Document> r = Upload(account_, PdfBytes());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kServiceUnavailable);
  ExpectNothingStored(account_, 0, 0, 0);
}

// ---------------------------------------------------------------------------------------------
// The per-account cap (SPEC §4 Bounds: --max-documents-per-account, default 1000)

TEST_P(DocumentsTest, AtMostAThousandDocumentsPerAccount) {
  EXPECT_EQ(DocumentOptions{}.max_per_account, 1000);
  // 999 rows put straight into the store (uploading them one by one is slow and proves nothing
  // more), then the 1000th and 1001st through the service with its default options.
  ASSERT_TRUE(store()
                  .Write([&](WriteTx& tx) -> Status {
                    for (int i = 0; i < 999; ++i) {
                      Document d;
                      d.document_id = "DOC20260101000000" + std::to_string(100'000'000'000'000 + i);
                      d.account_id = account_;
                      d.name = "seeded" + std::to_string(100'000'000 + i) + ".pdf";
                      d.original_name = d.name;
                      d.category = "SENDERID_APPROVAL";
                      d.content_type = "application/pdf";
                      d.size = 1;
                      d.date_created = clock_.Now() - kDay;
                      SID_TRY(tx.documents().Insert(d));
                    }
                    return OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(Upload(account_, PngBytes(16)).ok()) << "the 1000th";
  Result<Document> r = Upload(account_, PngBytes(16));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kLimitExceeded);
  EXPECT_EQ(r.error().message.rfind("등록 가능한 문서 개수를 초과하였습니다.", 0), 0u)
      << r.error().message;
  ExpectNothingStored(account_, 1000, 1, 1);
}

TEST_P(DocumentsTest, TheCapIsPerAccountAndADeleteFreesASlot) {
  DocumentOptions three;
  three.max_per_account = 3;
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) {
    Result<Document> d = Upload(account_, PdfBytes(), std::nullopt, "SENDERID_APPROVAL", three);
    ASSERT_TRUE(d.ok()) << d.error().message;
    ids.push_back(d->document_id);
  }
  EXPECT_EQ(CodeOf(Upload(account_, PdfBytes(), std::nullopt, "SENDERID_APPROVAL", three)),
            ErrorCode::kLimitExceeded);
  ExpectNothingStored(account_, 3, 3, 3);
  const Credentials other = NewAccount();
  EXPECT_TRUE(Upload(other.account_id, PdfBytes(), std::nullopt, "SENDERID_APPROVAL", three).ok());
  ASSERT_TRUE(Documents(three).Delete(account_, {ids[1]}).ok());
  EXPECT_TRUE(Upload(account_, PdfBytes(), std::nullopt, "SENDERID_APPROVAL", three).ok());
  EXPECT_EQ(CodeOf(Upload(account_, PdfBytes(), std::nullopt, "SENDERID_APPROVAL", three)),
            ErrorCode::kLimitExceeded);
}

TEST_P(DocumentsTest, ConcurrentUploadsNeverExceedTheCap) {
  DocumentOptions five;
  five.max_per_account = 5;
  DocumentsService documents = Documents(five);
  constexpr int kThreads = 12;
  // Every upload waits in its blob write until all have passed the cheap pre-check (none has
  // committed a row yet), so only the check in the row's transaction can hold the cap. Bounded:
  // a broken service fails the test instead of hanging it.
  std::mutex mu;
  std::condition_variable all_in;
  int arrived = 0;
  blobs_.OnPut([&](std::string_view) {
    std::unique_lock lock(mu);
    ++arrived;
    all_in.notify_all();
    all_in.wait_for(lock, std::chrono::seconds(5), [&] { return arrived == kThreads; });
  });
  std::vector<std::optional<ErrorCode>> results(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      UploadInput in;
      in.bytes = PdfBytes();
      in.category = "SENDERID_APPROVAL";
      results[static_cast<size_t>(i)] = CodeOf(documents.Upload(account_, in));
    });
  for (std::thread& t : threads) t.join();
  blobs_.OnPut(nullptr);
  EXPECT_EQ(arrived, kThreads) << "every upload passed the pre-check";
  EXPECT_EQ(std::count(results.begin(), results.end(), std::nullopt), 5);
  EXPECT_EQ(std::count(results.begin(), results.end(), ErrorCode::kLimitExceeded), kThreads - 5);
  EXPECT_EQ(Stored(account_), 5u);
  EXPECT_EQ(blobs_.size(), 5u) << "an upload refused at its row's commit removes its blob";
  EXPECT_EQ(EventsOf(account_, EventType::kDocumentUploaded).size(), 5u);
}

// ---------------------------------------------------------------------------------------------
// Listing (SPEC §4.11): newest first, inclusive startKey, nextKey, filters

class DocumentsListTest : public DocumentsTest {
 protected:
  void SetUp() override {
    DocumentsTest::SetUp();
    // Five documents a second apart (ids carry the time: newest first is time order), the second
    // and fourth of category LIMITATION, the first and fourth attached to a request (used).
    for (int i = 0; i < 5; ++i) {
      const std::string category =
          i == 1 || i == 3 ? "SENDERID_LIMITATION" : "SENDERID_APPROVAL";
      docs_.push_back(MustUploadBytes(account_, PdfBytes(), std::nullopt, category));
      clock_.Advance(kSecond);
    }
    ASSERT_TRUE(
        Papers().RequestLimit(account_, {docs_[0].document_id, docs_[3].document_id}, 10).ok());
    const Credentials other = NewAccount();
    MustUploadBytes(other.account_id, PdfBytes());
  }

  DocumentPage MustList(DocumentFilter filter) {
    Result<DocumentPage> page = Documents().List(account_, filter);
    if (!page.ok()) {
      ADD_FAILURE() << "List: " << page.error().message;
      return DocumentPage{};
    }
    return std::move(page).value();
  }
  std::vector<std::string> IdsOf(std::initializer_list<int> indexes) const {
    std::vector<std::string> out;
    for (int i : indexes) out.push_back(docs_[static_cast<size_t>(i)].document_id);
    return out;
  }

  std::vector<Document> docs_;
};

SID_ON_EVERY_MEMORY_STORE(DocumentsListTest);

TEST_P(DocumentsListTest, NewestFirstWithUseFlags) {
  const DocumentPage page = MustList(DocumentFilter{});
  EXPECT_EQ(Ids(page.data), IdsOf({4, 3, 2, 1, 0}));
  EXPECT_FALSE(page.next_key.has_value());
  ASSERT_EQ(page.data.size(), 5u);
  EXPECT_TRUE(page.data[1].use);
  EXPECT_TRUE(page.data[4].use);
  EXPECT_FALSE(page.data[0].use);
  EXPECT_FALSE(page.data[2].use);
}

TEST_P(DocumentsListTest, PagesWithAnInclusiveStartKey) {
  DocumentFilter f;
  f.limit = 2;
  DocumentPage page = MustList(f);
  EXPECT_EQ(Ids(page.data), IdsOf({4, 3}));
  ASSERT_TRUE(page.next_key.has_value());
  EXPECT_EQ(*page.next_key, docs_[2].document_id) << "the first item of the next page";
  f.start_key = page.next_key;
  page = MustList(f);
  EXPECT_EQ(Ids(page.data), IdsOf({2, 1}));
  ASSERT_TRUE(page.next_key.has_value());
  EXPECT_EQ(*page.next_key, docs_[0].document_id);
  f.start_key = page.next_key;
  page = MustList(f);
  EXPECT_EQ(Ids(page.data), IdsOf({0}));
  EXPECT_FALSE(page.next_key.has_value()) << "null at the end";

  f = DocumentFilter{};
  f.limit = 5;
  page = MustList(f);
  EXPECT_EQ(page.data.size(), 5u);
  EXPECT_FALSE(page.next_key.has_value()) << "an exactly full last page";
  f.limit = 1;
  for (int i = 4; i >= 0; --i) {
    page = MustList(f);
    EXPECT_EQ(Ids(page.data), IdsOf({i}));
    f.start_key = page.next_key;
  }
  EXPECT_FALSE(f.start_key.has_value());
}

TEST_P(DocumentsListTest, Filters) {
  DocumentFilter f;
  f.document_id = docs_[2].document_id;
  EXPECT_EQ(Ids(MustList(f).data), IdsOf({2}));

  f = DocumentFilter{};
  f.created_from = docs_[1].date_created;
  f.created_to = docs_[3].date_created;
  EXPECT_EQ(Ids(MustList(f).data), IdsOf({3, 2, 1})) << "both bounds inclusive";
  f.created_from = docs_[1].date_created + 1;
  f.created_to = docs_[3].date_created - 1;
  EXPECT_EQ(Ids(MustList(f).data), IdsOf({2}));

  f = DocumentFilter{};
  f.category = "SENDERID_LIMITATION";
  EXPECT_EQ(Ids(MustList(f).data), IdsOf({3, 1}));

  f = DocumentFilter{};
  f.use = true;
  EXPECT_EQ(Ids(MustList(f).data), IdsOf({3, 0}));
  f.use = false;
  EXPECT_EQ(Ids(MustList(f).data), IdsOf({4, 2, 1}));

  // Filters and paging together.
  f.limit = 2;
  DocumentPage page = MustList(f);
  EXPECT_EQ(Ids(page.data), IdsOf({4, 2}));
  EXPECT_EQ(page.next_key, docs_[1].document_id);
  f.start_key = page.next_key;
  page = MustList(f);
  EXPECT_EQ(Ids(page.data), IdsOf({1}));
  EXPECT_FALSE(page.next_key.has_value());

  // Another account's document is not listed, even by its id.
  f = DocumentFilter{};
  const Credentials other = NewAccount();
  const Document theirs = MustUploadBytes(other.account_id, PdfBytes());
  f.document_id = theirs.document_id;
  EXPECT_TRUE(MustList(f).data.empty());
}

// ---------------------------------------------------------------------------------------------
// Get, Download, Delete

TEST_P(DocumentsTest, GetAndDownloadAnswerOnlyTheAccountsOwnDocuments) {
  const std::string bytes = PngBytes(500);
  const Document d = MustUploadBytes(account_, bytes, "도장.png");
  Result<Document> got = Documents().Get(account_, d.document_id);
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(got->name, d.name);
  Result<DocumentFile> file = Documents().Download(account_, d.document_id);
  ASSERT_TRUE(file.ok()) << file.error().message;
  EXPECT_EQ(file->bytes, bytes) << "the original bytes";
  EXPECT_EQ(file->document.content_type, "image/png");

  const Credentials other = NewAccount();
  for (const std::string& id : {d.document_id, std::string("DOC20260203153045ABCDEFGHIJKLMNO"),
                                std::string("../etc/passwd"), std::string("")}) {
    Result<Document> g = Documents().Get(other.account_id, id);
    ASSERT_FALSE(g.ok()) << id;
    EXPECT_EQ(g.error().code, ErrorCode::kInvalidDocumentId) << id;
    EXPECT_EQ(g.error().message, kInvalidDocumentId);
    EXPECT_EQ(CodeOf(Documents().Download(other.account_id, id)), ErrorCode::kInvalidDocumentId)
        << id;
  }
}

TEST_P(DocumentsTest, DownloadOfARowWithoutItsBytesIsAnInternalError) {
  const Document d = MustUploadBytes(account_, PdfBytes());
  ASSERT_TRUE(blobs_.Remove(d.name).ok());
  EXPECT_EQ(CodeOf(Documents().Download(account_, d.document_id)), ErrorCode::kInternalError);
}

TEST_P(DocumentsTest, DeleteIsAllOrNothing) {
  const Document a = MustUploadBytes(account_, PdfBytes());
  const Document b = MustUploadBytes(account_, PngBytes());
  const Document used = MustUploadBytes(account_, PdfBytes());
  ASSERT_TRUE(Papers().RequestLimit(account_, {used.document_id}, 10).ok());
  const Credentials other = NewAccount();
  const Document foreign = MustUploadBytes(other.account_id, PdfBytes());
  struct Case {
    std::string_view why;
    std::vector<std::string> ids;
    ErrorCode want;
  };
  const std::vector<Case> cases = {
      {"an unknown id", {a.document_id, "DOC20260203153045ABCDEFGHIJKLMNO"},
       ErrorCode::kInvalidDocumentId},
      {"an unknown id first", {"DOC20260203153045ABCDEFGHIJKLMNO", a.document_id},
       ErrorCode::kInvalidDocumentId},
      {"another account's id", {a.document_id, foreign.document_id}, ErrorCode::kInvalidDocumentId},
      {"a malformed id", {b.document_id, "nope"}, ErrorCode::kInvalidDocumentId},
      {"a used document", {a.document_id, b.document_id, used.document_id},
       ErrorCode::kDocumentInUse},
      {"a used document first", {used.document_id, a.document_id}, ErrorCode::kDocumentInUse},
      {"unknown and used: unknown wins", {used.document_id, "DOC20260203153045ABCDEFGHIJKLMNO"},
       ErrorCode::kInvalidDocumentId},
  };
  for (const Case& c : cases) {
    const size_t events = Events(account_).size();
    Result<std::vector<Document>> r = Documents().Delete(account_, c.ids);
    ASSERT_FALSE(r.ok()) << c.why;
    EXPECT_EQ(r.error().code, c.want) << c.why;
    if (c.want == ErrorCode::kInvalidDocumentId) {
      EXPECT_EQ(r.error().message, kInvalidDocumentId);
    }
    // Nothing was deleted.
    EXPECT_EQ(Stored(account_), 3u) << c.why;
    EXPECT_EQ(Stored(other.account_id), 1u) << c.why;
    EXPECT_TRUE(blobs_.Has(a.name) && blobs_.Has(b.name) && blobs_.Has(used.name)) << c.why;
    EXPECT_EQ(Events(account_).size(), events) << c.why;
  }
}

TEST_P(DocumentsTest, DeleteRemovesRowsAndBytesAndAnswersTheDeletedDocuments) {
  const Document a = MustUploadBytes(account_, PdfBytes(), "a.pdf");
  const Document b = MustUploadBytes(account_, PngBytes(), "b.png");
  const Document keep = MustUploadBytes(account_, PdfBytes());
  const size_t events = Events(account_).size();
  Result<std::vector<Document>> r =
      Documents().Delete(account_, {b.document_id, a.document_id, b.document_id});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(Ids(*r), (std::vector<std::string>{b.document_id, a.document_id}))
      << "in the order given, once each";
  EXPECT_EQ((*r)[0].original_name, "b.png") << "as they were";
  EXPECT_EQ(CodeOf(Documents().Get(account_, a.document_id)), ErrorCode::kInvalidDocumentId);
  EXPECT_EQ(CodeOf(Documents().Get(account_, b.document_id)), ErrorCode::kInvalidDocumentId);
  EXPECT_FALSE(blobs_.Has(a.name));
  EXPECT_FALSE(blobs_.Has(b.name));
  EXPECT_TRUE(blobs_.Has(keep.name));
  EXPECT_EQ(Stored(account_), 1u);
  const std::vector<EventRecord> all = Events(account_);
  ASSERT_EQ(all.size(), events + 2);
  EXPECT_EQ(all[events].type, EventType::kDocumentDeleted);
  EXPECT_EQ(all[events].subject, b.document_id);
  EXPECT_EQ(std::get<Document>(Captured(all[events]).data).original_name, "b.png");
  EXPECT_EQ(all[events + 1].type, EventType::kDocumentDeleted);
  EXPECT_EQ(all[events + 1].subject, a.document_id);
  // Deleting again: they are unknown now.
  EXPECT_EQ(CodeOf(Documents().Delete(account_, {a.document_id})), ErrorCode::kInvalidDocumentId);
}

TEST_P(DocumentsTest, ADocumentReleasedByItsNumbersDeleteMayBeDeleted) {
  MustCreate(account_, "01012345678");
  const Document d = MustUploadBytes(account_, PdfBytes());
  ASSERT_TRUE(Papers().SubmitEvidence(account_, "01012345678", {d.document_id}).ok());
  EXPECT_EQ(CodeOf(Documents().Delete(account_, {d.document_id})), ErrorCode::kDocumentInUse);
  ASSERT_TRUE(Numbers().Delete(account_, "01012345678").ok());
  EXPECT_FALSE(MustDocument(account_, d.document_id).use);
  EXPECT_TRUE(Documents().Delete(account_, {d.document_id}).ok());
}

// ---------------------------------------------------------------------------------------------
// Sweeping stray blobs

TEST_P(DocumentsTest, SweepRemovesOnlyOldStrayBlobsAndOldTemporaries) {
  const TimeMs t0 = clock_.Now();
  const Document old_row = MustUploadBytes(account_, PdfBytes());  // bytes written at t0
  clock_.Set(t0 + 10 * kHour);
  const TimeMs now = clock_.Now();
  const Document young_row = MustUploadBytes(account_, PdfBytes());
  blobs_.AddBlob("strayOld0000000.pdf", "x", now - kHour - 1);
  blobs_.AddBlob("strayEdge000000.pdf", "x", now - kHour);  // exactly the grace old
  blobs_.AddBlob("strayYoung00000.pdf", "x", now - kHour + 1);
  blobs_.AddBlob("strayNew0000000.pdf", "x", now);
  blobs_.AddTemporary(".tmp-old", now - 2 * kHour);
  blobs_.AddTemporary(".tmp-young", now - 10 * kMinute);

  Result<int> swept = Documents().SweepBlobs();
  ASSERT_TRUE(swept.ok()) << swept.error().message;
  EXPECT_EQ(*swept, 2) << "the old stray blob and the old temporary";
  EXPECT_FALSE(blobs_.Has("strayOld0000000.pdf"));
  EXPECT_TRUE(blobs_.Has("strayEdge000000.pdf")) << "younger than or exactly the grace: kept";
  EXPECT_TRUE(blobs_.Has("strayYoung00000.pdf"));
  EXPECT_TRUE(blobs_.Has("strayNew0000000.pdf"));
  EXPECT_TRUE(blobs_.Has(old_row.name)) << "a blob with a row always stays, however old";
  EXPECT_TRUE(blobs_.Has(young_row.name));
  EXPECT_FALSE(blobs_.HasTemporary(".tmp-old"));
  EXPECT_TRUE(blobs_.HasTemporary(".tmp-young"));
  EXPECT_EQ(Stored(account_), 2u) << "no row touched";

  // Later, the rest of the strays age past the grace; rows still keep theirs.
  clock_.Set(now + 2 * kHour);
  swept = Documents().SweepBlobs();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 4);
  EXPECT_EQ(blobs_.size(), 2u);
  EXPECT_TRUE(blobs_.Has(old_row.name));
  EXPECT_TRUE(blobs_.Has(young_row.name));
  swept = Documents().SweepBlobs();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 0);
}

TEST_P(DocumentsTest, SweepGraceIsConfigurable) {
  DocumentOptions options;
  options.stray_blob_grace = 5 * kMinute;
  blobs_.AddBlob("stray0000000000.pdf", "x", clock_.Now() - 6 * kMinute);
  blobs_.AddBlob("stray0000000001.pdf", "x", clock_.Now() - 4 * kMinute);
  Result<int> swept = Documents(options).SweepBlobs();
  ASSERT_TRUE(swept.ok());
  EXPECT_EQ(*swept, 1);
  EXPECT_FALSE(blobs_.Has("stray0000000000.pdf"));
  EXPECT_TRUE(blobs_.Has("stray0000000001.pdf"));
}

}  // namespace
}  // namespace senderid
