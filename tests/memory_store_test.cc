// Copyright 2026 GuestGuard authors.
#include "guestguard/memory_store.h"

#include "gtest/gtest.h"
#include "testing/store_suite.h"

namespace guestguard {
namespace {

using testing::StoreFactory;
using testing::StoreSuite;

INSTANTIATE_TEST_SUITE_P(Memory, StoreSuite,
                         ::testing::Values(StoreFactory{"Memory",
                                                        [] { return NewMemoryStore({}); }}),
                         testing::StoreFactoryName);

TEST(MemoryStore, RejectsBadOptions) {
  EXPECT_EQ(NewMemoryStore({.max_access_records = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(MemoryStore, DropsTheOldestAccessAndItsFeedbackBeyondTheBound) {
  auto store = NewMemoryStore({.max_access_records = 2});
  ASSERT_TRUE(store.ok());
  AccessRecord r;
  r.event_id = "ev1";
  r.guest_id = "g1";
  auto first = (*store)->AppendAccess(r, std::nullopt);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*store)->PutFeedback({"ev1", *first, FeedbackVerdict::kSuspicious, "", {}}).ok());
  ASSERT_TRUE((*store)->AppendAccess(r, std::nullopt).ok());
  auto third = (*store)->AppendAccess(r, std::nullopt);
  ASSERT_TRUE(third.ok());
  EXPECT_EQ((*store)->GetAccess("ev1", *first).status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE((*store)->GetAccess("ev1", *third).ok());
  EXPECT_EQ((*store)->ListAccesses("ev1", 10)->size(), 2u);
  EXPECT_TRUE((*store)->ListFeedback("ev1")->empty());
}

}  // namespace
}  // namespace guestguard
