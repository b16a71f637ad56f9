// Tests for the file blob store: round trips, listing with modification times, the age rule of
// RemoveTemporaries (a young temporary may be another process's Put in progress), temporaries of
// their own per writer, and the modes of what it creates (issue 11 item 6).

#include "blob/file_blob_store.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "tests/unit/testing.h"

namespace senderid {
namespace {

// Sets the file's mtime to `at` (ms since the epoch).
void SetModifiedAt(const std::string& path, TimeMs at) {
  struct timespec times[2];
  times[0].tv_sec = at / 1000;
  times[0].tv_nsec = (at % 1000) * 1000000;
  times[1] = times[0];
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << path;
}

void WriteFile(const std::string& path, const std::string& bytes) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(fd, 0) << path;
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  ::close(fd);
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

std::vector<std::string> Entries(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    names.push_back(e.path().filename().string());
  return names;
}

class FileBlobStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Result<std::unique_ptr<FileBlobStore>> s = FileBlobStore::Open(dir());
    ASSERT_TRUE(s.ok()) << s.error().message;
    store_ = std::move(s).value();
  }
  std::string dir() const { return tmp_.File("documents"); }
  FileBlobStore& store() { return *store_; }

  test::TempDir tmp_;
  std::unique_ptr<FileBlobStore> store_;
};

TEST_F(FileBlobStoreTest, PutGetRemoveRoundTrip) {
  const std::string bytes("\x89PNG\r\n\x1a\n\0binary", 15);
  ASSERT_TRUE(store().Put("a1.png", bytes).ok());
  Result<std::string> got = store().Get("a1.png");
  ASSERT_TRUE(got.ok()) << got.error().message;
  EXPECT_EQ(*got, bytes);
  EXPECT_EQ(ModeOf(dir() + "/a1.png"), 0600u);
  ASSERT_TRUE(store().Remove("a1.png").ok());
  Result<std::string> gone = store().Get("a1.png");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
  EXPECT_TRUE(store().Remove("a1.png").ok()) << "removing a missing blob is not an error";
  EXPECT_FALSE(store().Put("../escape", "x").ok()) << "names never leave the directory";
}

TEST_F(FileBlobStoreTest, ListGivesCompleteBlobsWithTheirModificationTime) {
  ASSERT_TRUE(store().Put("a1.png", "a").ok());
  ASSERT_TRUE(store().Put("b2.pdf", "b").ok());
  SetModifiedAt(dir() + "/a1.png", 1770100245324);
  WriteFile(dir() + "/.tmp-c3.png-1-2", "partial");
  Result<std::vector<StoredBlob>> blobs = store().List();
  ASSERT_TRUE(blobs.ok()) << blobs.error().message;
  ASSERT_EQ(blobs->size(), 2u) << "temporaries are not blobs";
  for (const StoredBlob& b : *blobs) {
    if (b.name == "a1.png") {
      EXPECT_EQ(b.modified_at, 1770100245324);
    } else {
      EXPECT_EQ(b.name, "b2.pdf");
      EXPECT_GT(b.modified_at, 1770100245324) << "written just now";
    }
  }
}

TEST_F(FileBlobStoreTest, RemoveTemporariesRemovesOnlyThoseOlderThanBefore) {
  const TimeMs now = 1770100245324;
  WriteFile(dir() + "/.tmp-old.png-10-1", "x");
  SetModifiedAt(dir() + "/.tmp-old.png-10-1", now - 3600000);
  WriteFile(dir() + "/.tmp-legacy.png", "x");  // the previous version's fixed temporary name
  SetModifiedAt(dir() + "/.tmp-legacy.png", now - 3600000);
  WriteFile(dir() + "/.tmp-young.png-11-1", "x");  // another process's Put, still writing
  SetModifiedAt(dir() + "/.tmp-young.png-11-1", now);
  ASSERT_TRUE(store().Put("kept.png", "x").ok());
  SetModifiedAt(dir() + "/kept.png", now - 3600000);  // old, but a blob

  Result<int> removed = store().RemoveTemporaries(now - 60000);
  ASSERT_TRUE(removed.ok()) << removed.error().message;
  EXPECT_EQ(*removed, 2);
  const std::vector<std::string> left = Entries(dir());
  EXPECT_EQ(std::set<std::string>(left.begin(), left.end()),
            (std::set<std::string>{".tmp-young.png-11-1", "kept.png"}));
}

TEST_F(FileBlobStoreTest, ConcurrentPutsOfOneNameEachUseTheirOwnTemporary) {
  // Were the temporary shared, one writer's O_TRUNC and bytes would land in another's file and the
  // blob could end up mixed. With a temporary each, the last rename wins and the blob is whole.
  constexpr int kWriters = 8;
  std::vector<std::string> contents;
  for (int i = 0; i < kWriters; ++i) contents.push_back(std::string(20000 + i * 1000, 'a' + i));
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < kWriters; ++i)
    threads.emplace_back([&, i] {
      for (int round = 0; round < 10; ++round)
        if (!store().Put("same.png", contents[static_cast<size_t>(i)]).ok()) ++failures;
    });
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  Result<std::string> got = store().Get("same.png");
  ASSERT_TRUE(got.ok());
  EXPECT_NE(std::find(contents.begin(), contents.end(), *got), contents.end())
      << "the blob is one writer's bytes, whole";
  EXPECT_EQ(Entries(dir()), std::vector<std::string>{"same.png"}) << "no temporary left behind";
}

TEST(FileBlobStoreOpenTest, CreatesAMissingDirectory0700AndLeavesAnExistingOneAlone) {
  const mode_t saved = ::umask(022);
  test::TempDir tmp;
  const std::string fresh = tmp.File("data/documents");
  ASSERT_TRUE(FileBlobStore::Open(fresh).ok());
  EXPECT_EQ(ModeOf(fresh), 0700u);
  ASSERT_TRUE(FileBlobStore::Open(tmp.File("other/documents/")).ok()) << "a trailing slash";
  EXPECT_EQ(ModeOf(tmp.File("other/documents")), 0700u);

  const std::string shared = tmp.File("shared");
  ASSERT_EQ(::mkdir(shared.c_str(), 0755), 0);
  ASSERT_TRUE(FileBlobStore::Open(shared).ok());
  EXPECT_EQ(ModeOf(shared), 0755u) << "an existing directory keeps its mode";
  ::umask(saved);

  Result<std::unique_ptr<FileBlobStore>> bad = FileBlobStore::Open("/proc/no/such/place");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kServiceUnavailable);
}

}  // namespace
}  // namespace senderid
