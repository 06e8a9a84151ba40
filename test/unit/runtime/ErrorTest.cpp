//===- ErrorTest.cpp - the runtime's one error path -----------------------===//

#include "Error.h"
#include "Context.h"

#include <gtest/gtest.h>

using namespace trainc::rt;

namespace {

/// Sets the identity fields of the context for one test and restores them.
class ScopedIdentity {
public:
  ScopedIdentity(std::string program, int rank, int world)
      : saved{runtimeContext().program, runtimeContext().rank,
              runtimeContext().world} {
    set(std::move(program), rank, world);
  }
  ~ScopedIdentity() { set(saved.program, saved.rank, saved.world); }

private:
  struct Identity {
    std::string program;
    int rank, world;
  };
  static void set(std::string program, int rank, int world) {
    RuntimeContext &context = runtimeContext();
    context.program = std::move(program);
    context.rank = rank;
    context.world = world;
  }
  Identity saved;
};

TEST(ErrorTest, SingleProcessLineHasNoRank) {
  ScopedIdentity identity("train", 0, 1);
  EXPECT_EQ(formatFatalMessage("cannot open data"),
            "train: error: cannot open data");
}

TEST(ErrorTest, DistributedLineNamesRank) {
  ScopedIdentity identity("resnet-train", 3, 4);
  EXPECT_EQ(formatFatalMessage("allreduce failed"),
            "resnet-train: error: rank 3: allreduce failed");
}

TEST(ErrorTest, MessageStaysOnOneLine) {
  ScopedIdentity identity("train", 0, 1);
  EXPECT_EQ(formatFatalMessage("first\nsecond\r\n"),
            "train: error: first second  ");
}

TEST(ErrorTest, FatalPrintsTheLineAndExitsWithOne) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ScopedIdentity identity("train", 1, 2);
  EXPECT_EXIT(fatal("out of data"), testing::ExitedWithCode(1),
              "^train: error: rank 1: out of data\n$");
}

} // namespace
