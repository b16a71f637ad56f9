#pragma once
// The fixture every contract test derives from: a fresh StoreUnderTest per test, helpers to run
// transactions, record makers with every field set to something recognisable, and Show() — one
// line per record naming every field, so that EXPECT_EQ(Show(a), Show(b)) compares records field
// by field and prints the difference.
//
// Nothing here sleeps; waits on other threads are bounded (kWait) so a broken adapter fails the
// test instead of hanging it.

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "core/entities.h"
#include "core/error.h"
#include "core/events.h"
#include "core/operators.h"
#include "core/ports/signature_ledger.h"
#include "core/ports/store.h"
#include "tests/contract/store_under_test.h"

namespace senderid::contract {

inline constexpr std::chrono::seconds kWait{10};
// An arbitrary moment (2026-02-03T06:30:45.324Z); tests place their records around it.
inline constexpr TimeMs kT0 = 1770100245324;

// --- Show: every field of a record on one line ------------------------------------------------

std::string Show(const Account& a);
std::string Show(const StoredApiKey& k);
std::string Show(const LogEntry& l);
std::string Show(const ReviewRequest& r);
std::string Show(const SenderId& e);
std::string Show(const MfaTransaction& t);
std::string Show(const Document& d);
std::string Show(const EventRecord& e);
std::string Show(const Operator& o);
std::string Show(const OperatorSession& s);
std::string Show(const OperatorToken& t);
std::string Show(const AuditEntry& e);
std::string Show(const std::string& s);
std::string Show(TimeMs t);

template <typename T>
std::string Show(const std::optional<T>& v) {
  return v ? Show(*v) : std::string("nullopt");
}
template <typename T>
std::string Show(const std::vector<T>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i == 0 ? "" : ", ") + Show(v[i]);
  return out + "]";
}

// --- records with every field set ---------------------------------------------------------------

Account MakeAccount(const std::string& account_id, int limit = 5);
StoredApiKey MakeKey(const std::string& api_key, const std::string& account_id,
                     TimeMs date_created = kT0);
// A PENDING entry with one log line and an expiry.
SenderId MakeEntry(const std::string& handle_key, const std::string& account_id,
                   const std::string& phone_number, TimeMs date_created = kT0);
MfaTransaction MakeTransaction(const std::string& transaction_id, const std::string& account_id,
                               const std::string& phone_number, TimeMs created_at = kT0,
                               MfaState state = MfaState::kOpen);
Document MakeDocument(const std::string& document_id, const std::string& account_id,
                      TimeMs date_created = kT0, const std::string& category = "SENDERID_APPROVAL");
// A PENDING request of `kind`; for kApproval and kDuplicate about `handle_key`.
ReviewRequest MakeRequest(const std::string& request_id, ReviewKind kind,
                          const std::string& account_id, const std::string& handle_key,
                          TimeMs date_created = kT0, std::vector<std::string> documents = {});
// An ACTIVE operator with a recognisable hash.
Operator MakeOperator(const std::string& name, OperatorRole role = OperatorRole::kReviewer);
AuditEntry MakeAudit(const std::string& audit_id, const std::string& operator_name,
                     const std::string& action, const std::string& target, TimeMs date_created);
EventRecord MakeEvent(const std::string& event_id, const std::string& account_id,
                      EventType type = EventType::kSenderIdCreated,
                      const std::string& subject = "SED1", TimeMs date_created = kT0);

// A gtest predicate: EXPECT_TRUE(IsOk(result)) prints the error when there is one.
template <typename T>
::testing::AssertionResult IsOk(const Result<T>& r) {
  if (r.ok()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "error " << static_cast<int>(r.error().code) << ": " << r.error().message;
}
// A gtest predicate: the result is an error with `code`.
template <typename T>
::testing::AssertionResult IsError(const Result<T>& r, ErrorCode code) {
  if (r.ok()) return ::testing::AssertionFailure() << "succeeded; expected an error";
  if (r.error().code == code) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "error " << static_cast<int>(r.error().code) << " (" << r.error().message
         << "); expected " << static_cast<int>(code);
}

// Runs body(0) … body(threads - 1), each on its own thread, released together; joins them.
void RunThreads(int threads, const std::function<void(int)>& body);

// Spends `digest` and waits (at most kWait) for the ledger's answer.
Result<bool> SpendWaiting(SignatureLedger& ledger, const std::string& digest, TimeMs keep_until);

class StoreContract : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override {
    if (GetParam().unavailable) {
      if (const std::string why = GetParam().unavailable(); !why.empty()) {
        // A stand-in, so that the SetUp of a derived fixture (which goes on after this returns)
        // has a store to fill; the test body itself is skipped.
        sut_ = MemoryStoreFactory().make();
        GTEST_SKIP() << why;
      }
    }
    sut_ = GetParam().make();
    ASSERT_NE(sut_, nullptr) << "factory " << GetParam().name << " made no store";
  }

  StoreUnderTest& sut() { return *sut_; }
  Store& store() { return sut_->store(); }
  SignatureLedger& ledger() { return sut_->ledger(); }

  // Runs fn in a read transaction and returns its value (a default one, and a test failure, on an
  // error). fn returns a Result<T>.
  template <typename Fn>
  auto Query(Fn&& fn) {
    using T = std::decay_t<decltype(fn(std::declval<ReadTx&>()).value())>;
    Result<T> r = ReadValue<T>(store(), std::forward<Fn>(fn));
    if (!r.ok()) {
      ADD_FAILURE() << "read failed: " << r.error().message;
      return T{};
    }
    return std::move(r).value();
  }

  // Runs fn in a write transaction and returns its value once committed (a default one, and a test
  // failure, on an error). fn returns a Result<T>.
  template <typename Fn>
  auto WriteGet(Fn&& fn) {
    using T = std::decay_t<decltype(fn(std::declval<WriteTx&>()).value())>;
    Result<T> r = WriteValue<T>(store(), std::forward<Fn>(fn));
    if (!r.ok()) {
      ADD_FAILURE() << "write failed: " << r.error().message;
      return T{};
    }
    return std::move(r).value();
  }

  // Runs fn in a write transaction; a test failure unless it commits.
  void MustWrite(const Store::WriteFn& fn) {
    Status s = store().Write(fn);
    EXPECT_TRUE(IsOk(s));
  }

  // Shorthands for the rows most tests need.
  void AddAccount(const std::string& account_id, int limit = 5) {
    MustWrite([&](WriteTx& tx) { return tx.accounts().Insert(MakeAccount(account_id, limit)); });
  }
  void AddEntry(const SenderId& entry) {
    MustWrite([&](WriteTx& tx) { return tx.numbers().Insert(entry); });
  }
  void AddRequest(const ReviewRequest& request) {
    MustWrite([&](WriteTx& tx) { return tx.reviews().Insert(request); });
  }
  void AddDocument(const Document& document) {
    MustWrite([&](WriteTx& tx) { return tx.documents().Insert(document); });
  }
  void AddTransaction(const MfaTransaction& t) {
    MustWrite([&](WriteTx& tx) { return tx.verifications().Insert(t); });
  }
  std::optional<ReviewRequest> FindRequest(const std::string& request_id) {
    return Query([&](ReadTx& tx) { return tx.reviews().Find(request_id); });
  }

  // The event's sequence.
  int64_t AddEvent(const EventRecord& e) {
    return WriteGet([&](WriteTx& tx) { return tx.events().Append(e); });
  }

  std::unique_ptr<StoreUnderTest> sut_;
};

// The test-name suffix of a parameter: the adapter's name.
inline std::string AdapterName(const ::testing::TestParamInfo<StoreFactory>& param) {
  return param.param.name;
}

// Instantiates a fixture derived from StoreContract over every adapter.
#define SID_CONTRACT_SUITE(fixture) \
  INSTANTIATE_TEST_SUITE_P(Adapters, fixture, ::testing::ValuesIn(AllStoreFactories()), AdapterName)

}  // namespace senderid::contract
