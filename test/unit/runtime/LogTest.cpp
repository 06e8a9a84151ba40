//===- LogTest.cpp - the JSON-lines records -------------------------------===//

#include "train/Log.h"
#include "TestFiles.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

using namespace trainc::rt;
using namespace trainc::test;

namespace {

TEST(LogTest, FloatsAreShortestRoundTripAndNeverNaN) {
  EXPECT_EQ(jsonFloat(0.1f), "0.1");
  EXPECT_EQ(jsonFloat(2.0f), "2");
  EXPECT_EQ(jsonFloat(1e-8f), "1e-08");
  float third = 1.0f / 3.0f;
  EXPECT_EQ(std::strtof(jsonFloat(third).c_str(), nullptr), third);
  EXPECT_EQ(jsonFloat(std::nanf("")), "null");
  EXPECT_EQ(jsonFloat(std::numeric_limits<float>::infinity()), "null");
  EXPECT_EQ(jsonDouble(0.8125), "0.8125");
  EXPECT_EQ(jsonDouble(-std::numeric_limits<double>::infinity()), "null");
}

TEST(LogTest, RecordsHaveTheDocumentedFields) {
  EXPECT_EQ(jsonStepRecord(12, 1, 2.25f, 0.1f, 51234.56),
            "{\"step\": 12, \"epoch\": 1, \"loss\": 2.25, \"lr\": 0.1, "
            "\"images_per_s\": 51234.6}");
  EXPECT_EQ(jsonEvalRecord(3750, 2, 0.8125, 0.5, 10000),
            "{\"epoch\": 2, \"step\": 3750, \"test_accuracy\": 0.8125, "
            "\"test_loss\": 0.5, \"test_samples\": 10000}");
}

TEST(LogTest, FileGetsOneLinePerRecord) {
  TempDir dir;
  std::string error;
  {
    JsonLog log;
    log.write("{\"ignored\": true}"); // before open(): nowhere
    ASSERT_TRUE(log.open(dir.path("run.jsonl"), error)) << error;
    log.write("{\"a\": 1}");
    log.write("{\"b\": 2}");
    // Flushed at once: readable while the run goes on.
    EXPECT_EQ(readFile(dir.path("run.jsonl")), "{\"a\": 1}\n{\"b\": 2}\n");
  }
  JsonLog log;
  EXPECT_FALSE(log.open(dir.path("missing/run.jsonl"), error));
  EXPECT_EQ(error, "cannot write log " + dir.path("missing/run.jsonl") +
                       ": No such file or directory");
}

} // namespace
