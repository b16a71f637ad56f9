// Tests for core/services/events_service (SPEC §12 endpoint 14 and retention) and for
// senderid.expiring (the sweeper, once per verification), on the in-memory store with a FakeClock.

#include "core/services/events_service.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/core_testing.h"

namespace senderid {
namespace {

using test::CodeOf;

class EventsServiceTest : public test::MemoryRegistryTest {
 protected:
  void SetUp() override { account_ = NewAccount(50).account_id; }

  std::vector<int64_t> Sequences(const EventQuery& q) {
    Result<EventPage> page = Events().List(account_, q);
    if (!page.ok()) {
      ADD_FAILURE() << page.error().message;
      return {};
    }
    std::vector<int64_t> out;
    for (const EventRecord& e : page->data) out.push_back(e.sequence);
    return out;
  }
  EventQuery After(int64_t after, std::optional<std::string> type = std::nullopt, int limit = 100) {
    EventQuery q;
    q.after = after;
    q.type = std::move(type);
    q.limit = limit;
    return q;
  }

  std::string account_;
};
SID_ON_EVERY_MEMORY_STORE(EventsServiceTest);

TEST_P(EventsServiceTest, PagesAscendingAfterASequenceFilteredByPattern) {
  MustCreate(account_, "01012345678");              // 1 senderid.created
  MustUpload(account_);                             // 2 document.uploaded
  MustCreate(account_, "01012345679");              // 3 senderid.created
  ASSERT_TRUE(Numbers().Delete(account_, "01012345679").ok());  // 4 senderid.deleted
  using V = std::vector<int64_t>;
  EXPECT_EQ(Sequences(After(0)), (V{1, 2, 3, 4}));
  EXPECT_EQ(Sequences(After(2)), (V{3, 4}));
  EXPECT_EQ(Sequences(After(4)), V{});
  EXPECT_EQ(Sequences(After(0, std::nullopt, 2)), (V{1, 2}));
  EXPECT_EQ(Sequences(After(0, "senderid.*")), (V{1, 3, 4}));
  EXPECT_EQ(Sequences(After(1, "senderid.created")), V{3});
  EXPECT_EQ(Sequences(After(0, "*")), (V{1, 2, 3, 4}));
  EXPECT_EQ(Sequences(After(0, "document.*", 1)), V{2});
  // nextAfter: the last returned, or the given after.
  EXPECT_EQ(Events().List(account_, After(0, std::nullopt, 3))->next_after, 3);
  EXPECT_EQ(Events().List(account_, After(9))->next_after, 9);
  EXPECT_EQ(Events().List(account_, After(0, "approval.*"))->next_after, 0);
  for (const char* bad : {"", "senderid", "senderid.", "foo.*", "senderid.created.*", "**", "*.*"})
    EXPECT_EQ(CodeOf(Events().List(account_, After(0, bad))), ErrorCode::kValidationError) << bad;
  EXPECT_EQ(CodeOf(Events().List(account_, After(-1))), ErrorCode::kValidationError);
  EXPECT_EQ(CodeOf(Events().List(account_, After(0, std::nullopt, 0))), ErrorCode::kValidationError);
  EXPECT_EQ(CodeOf(Events().List(account_, After(0, std::nullopt, 1001))),
            ErrorCode::kValidationError);
  // Another account sees none of them.
  const std::string other = NewAccount().account_id;
  EXPECT_TRUE(Events().List(other, After(0))->data.empty());
}

TEST_P(EventsServiceTest, RetentionPrunesTheOldestAndSequencesStay) {
  MustUpload(account_);
  MustUpload(account_);
  clock().Advance(20 * kDay);
  MustUpload(account_);
  clock().Advance(11 * kDay);
  EXPECT_EQ(*Events(30 * kDay).Prune(), 2);
  using V = std::vector<int64_t>;
  // `after` older than what is kept starts at the oldest kept.
  EXPECT_EQ(Sequences(After(0)), V{3});
  EXPECT_EQ(Sequences(After(1)), V{3});
  MustUpload(account_);
  EXPECT_EQ(Sequences(After(0)), (V{3, 4}));
}

TEST_P(EventsServiceTest, ExpiringIsRecordedOncePerVerification) {
  RegistryOptions o;
  o.verified_lifetime_months = 1;
  o.expiry_notice = 14 * kDay;
  SetRegistryOptions(o);
  MustCreate(account_, "01012345678");
  MustVerifyByArs(account_, "01012345678");
  const auto expiring = [&] { return EventsOf(account_, EventType::kSenderIdExpiring).size(); };
  EXPECT_EQ(*Numbers().SweepExpiring(), 0) << "a month away";
  const TimeMs expire_at = *MustEntry(account_, "01012345678").expire_at;
  clock().Set(expire_at - 14 * kDay);
  EXPECT_EQ(*Numbers().SweepExpiring(), 0) << "exactly 14 days away is not less than 14";
  clock().Advance(1);
  EXPECT_EQ(*Numbers().SweepExpiring(), 1);
  EXPECT_EQ(expiring(), 1u);
  const EventRecord notice = EventsOf(account_, EventType::kSenderIdExpiring)[0];
  const SenderId data = std::get<SenderId>(Captured(notice).data);
  EXPECT_EQ(data.status, NumberStatus::kActive);
  EXPECT_TRUE(data.log.empty()) << "the sweeper appends no log line";
  EXPECT_EQ(MustEntry(account_, "01012345678").log.size(), 2u);
  EXPECT_EQ(*Numbers().SweepExpiring(), 0) << "once";
  // INACTIVE → ACTIVE does not re-arm it.
  ASSERT_TRUE(Numbers().UpdateStatus(account_, "01012345678", NumberStatus::kInactive).ok());
  ASSERT_TRUE(Numbers().UpdateStatus(account_, "01012345678", NumberStatus::kActive).ok());
  EXPECT_EQ(*Numbers().SweepExpiring(), 0);
  // It lapses: EXPIRED, no more notices. A new verification re-arms it.
  clock().Set(expire_at);
  ASSERT_TRUE(Numbers().SweepExpired().ok());
  EXPECT_EQ(*Numbers().SweepExpiring(), 0);
  clock().Advance(kHour);
  MustVerifyByArs(account_, "01012345678");
  clock().Set(*MustEntry(account_, "01012345678").expire_at - kDay);
  EXPECT_EQ(*Numbers().SweepExpiring(), 1);
  EXPECT_EQ(expiring(), 2u);
}

}  // namespace
}  // namespace senderid
