//===- ThreadsTest.cpp - each process's share of the cores ----------------===//

#include "train/Threads.h"

#include <gtest/gtest.h>
#include <omp.h>

using namespace trainc::rt;

namespace {

TEST(ThreadsTest, ShareDividesTheCoresAmongTheLocalRanks) {
  EXPECT_EQ(threadsForShare(8, nullptr), 8);
  EXPECT_EQ(threadsForShare(8, "2"), 4);
  EXPECT_EQ(threadsForShare(2, "2"), 1);
  EXPECT_EQ(threadsForShare(3, "2"), 1);
  EXPECT_EQ(threadsForShare(2, "4"), 1); // never 0
  EXPECT_EQ(threadsForShare(8, "0"), 8); // not a rank count: ignored
  EXPECT_EQ(threadsForShare(8, "two"), 8);
  EXPECT_EQ(threadsForShare(8, ""), 8);
}

TEST(ThreadsTest, SetThreadsReachesOpenMP) {
  int saved = omp_get_max_threads();
  EXPECT_EQ(setThreads(3), 3);
  EXPECT_EQ(omp_get_max_threads(), 3);
  int seen = 0;
#pragma omp parallel
  {
#pragma omp single
    seen = omp_get_num_threads();
  }
  EXPECT_EQ(seen, 3);
  EXPECT_EQ(setThreads(0), defaultThreads());
  EXPECT_EQ(omp_get_max_threads(), defaultThreads());
  EXPECT_GE(affinityCores(), 1);
  omp_set_num_threads(saved);
}

} // namespace
