// The signature journal's own promises beyond the ledger contract (tests/contract): what a crash
// leaves behind is read back or cut off, files go with Prune, concurrent spends of one digest give
// one fresh answer, and a failed write un-spends its digests.

#include "store/journal/signature_journal.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace senderid::journal {
namespace {

namespace fs = std::filesystem;

constexpr TimeMs kT0 = 1'796'218'200'000;  // a multiple of the 5-minute file span

class SignatureJournalTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "senderid-journal-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    root_ = templ;
    dir_ = (root_ / "journal").string();
    Reopen();
  }
  void TearDown() override {
    journal_.reset();
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void Reopen() {
    journal_.reset();
    Result<std::unique_ptr<SignatureJournal>> opened = SignatureJournal::Open({dir_, true});
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    journal_ = std::move(opened).value();
  }
  // 1 fresh, 0 replay, -1 error.
  int Spend(const std::string& digest, TimeMs keep_until) {
    Result<bool> r = SpendAndWait(*journal_, digest, keep_until);
    return r.ok() ? static_cast<int>(*r) : -1;
  }
  std::vector<fs::path> Files() const {
    std::vector<fs::path> out;
    for (const auto& e : fs::directory_iterator(dir_)) out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
  static std::string Digest(int i) {
    std::string d(32, '\0');
    for (size_t b = 0; b < d.size(); ++b) d[b] = static_cast<char>((i * 131 + b * 7) & 0xff);
    d.replace(0, 4, std::to_string(10000 + i).substr(1));
    return d;
  }

  fs::path root_;
  std::string dir_;
  std::unique_ptr<SignatureJournal> journal_;
};

TEST_F(SignatureJournalTest, DigestsSurviveAReopenInFilesOfFiveMinutesOfKeepUntil) {
  EXPECT_EQ(Spend(Digest(1), kT0), 1);
  EXPECT_EQ(Spend(Digest(2), kT0 + 5 * kMinute - 1), 1);  // same file
  EXPECT_EQ(Spend(Digest(3), kT0 + 5 * kMinute), 1);      // the next one
  EXPECT_EQ(Files().size(), 2u);
  EXPECT_EQ(fs::file_size(Files()[0]), 64u);  // two 32-byte records
  Reopen();
  EXPECT_EQ(journal_->size(), 3u);
  EXPECT_EQ(Spend(Digest(1), kT0), 0);
  EXPECT_EQ(Spend(Digest(3), kT0 + 5 * kMinute), 0);
  EXPECT_EQ(Spend(Digest(4), kT0), 1);
}

TEST_F(SignatureJournalTest, ATornTailIsCutOffAndAppendsGoOnAfterTheLastGoodRecord) {
  ASSERT_EQ(Spend(Digest(1), kT0), 1);
  ASSERT_EQ(Spend(Digest(2), kT0), 1);
  journal_.reset();
  const fs::path file = Files().at(0);
  {
    std::ofstream out(file, std::ios::binary | std::ios::app);
    out << std::string(20, 'x');  // a record cut short by a crash
  }
  Reopen();
  EXPECT_EQ(fs::file_size(file), 64u);
  EXPECT_EQ(journal_->size(), 2u);
  ASSERT_EQ(Spend(Digest(3), kT0), 1);
  Reopen();
  EXPECT_EQ(journal_->size(), 3u) << "the record after the cut is read back";
  EXPECT_EQ(Spend(Digest(3), kT0), 0);
}

TEST_F(SignatureJournalTest, ARecordWithABadChecksumEndsTheFile) {
  ASSERT_EQ(Spend(Digest(1), kT0), 1);
  ASSERT_EQ(Spend(Digest(2), kT0), 1);
  journal_.reset();
  const fs::path file = Files().at(0);
  {
    std::fstream io(file, std::ios::binary | std::ios::in | std::ios::out);
    io.seekp(32 + 10);  // a byte of the second record's key
    io.put('\x5a');
  }
  Reopen();
  EXPECT_EQ(journal_->size(), 1u);
  EXPECT_EQ(fs::file_size(file), 32u);
  EXPECT_EQ(Spend(Digest(1), kT0), 0);
}

TEST_F(SignatureJournalTest, PruneDeletesWholeFilesOnceTheirLastKeepUntilHasPassed) {
  ASSERT_EQ(Spend(Digest(1), kT0), 1);
  ASSERT_EQ(Spend(Digest(2), kT0 + 5 * kMinute - 1), 1);
  ASSERT_EQ(Spend(Digest(3), kT0 + 5 * kMinute), 1);
  Result<int> kept = journal_->Prune(kT0 + 5 * kMinute - 1);
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(*kept, 0) << "digest 2 is kept until then";
  Result<int> pruned = journal_->Prune(kT0 + 5 * kMinute);
  ASSERT_TRUE(pruned.ok());
  EXPECT_EQ(*pruned, 2);
  EXPECT_EQ(Files().size(), 1u);
  Reopen();
  EXPECT_EQ(journal_->size(), 1u);
  EXPECT_EQ(Spend(Digest(3), kT0 + 5 * kMinute), 0);
}

TEST_F(SignatureJournalTest, ConcurrentSpendsOfOneDigestGiveOneFreshAnswer) {
  constexpr int kThreads = 8, kDigests = 200;
  std::atomic<int> fresh{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kDigests; ++i) {
        const int r = Spend(Digest(i), kT0);
        if (r == 1) ++fresh;
        if (r < 0) ++errors;
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(fresh.load(), kDigests);
  EXPECT_EQ(errors.load(), 0);
  Reopen();
  EXPECT_EQ(journal_->size(), static_cast<size_t>(kDigests));
}

TEST_F(SignatureJournalTest, AFailedWriteAnswersUnavailableAndLeavesTheDigestUnspent) {
  ASSERT_EQ(Spend(Digest(1), kT0), 1);
  // The next file cannot be created: its name is taken by a directory.
  fs::create_directory(fs::path(dir_) / (std::to_string(kT0 + 5 * kMinute) + ".spent"));
  Result<bool> failed = SpendAndWait(*journal_, Digest(2), kT0 + 5 * kMinute);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code, ErrorCode::kServiceUnavailable);
  fs::remove(fs::path(dir_) / (std::to_string(kT0 + 5 * kMinute) + ".spent"));
  EXPECT_EQ(Spend(Digest(2), kT0 + 5 * kMinute), 1) << "not a replay: it was never spent";
}

TEST_F(SignatureJournalTest, ShortDigestsAreKeptApartFromTheirZeroPaddedForms) {
  EXPECT_NE(SignatureJournal::KeyOf("ab"), SignatureJournal::KeyOf(std::string("ab\0", 3)));
  EXPECT_EQ(Spend("ab", kT0), 1);
  EXPECT_EQ(Spend(std::string("ab\0", 3), kT0), 1);
  EXPECT_EQ(Spend("ab", kT0), 0);
}

}  // namespace
}  // namespace senderid::journal
