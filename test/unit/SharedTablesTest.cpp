//===- SharedTablesTest.cpp - the compiler's enums name the runtime's rows ===//
//
// The numbering of train.Algorithm is checked against trainc_algorithm by
// static_assert (TrainAttrs.cpp); what a static_assert cannot see is that
// the row at each index of trainc_optimizers (a C table the runtime looks
// names up in) is the algorithm of that name. So a reordered table row or
// a renamed case fails here.
//
//===----------------------------------------------------------------------===//

#include "dialects/Train/IR/TrainAttrs.h"
#include "passes/Optimizers.h"

#include <gtest/gtest.h>

using namespace mlir::train;

TEST(SharedTablesTest, AlgorithmsNameTheirOptimizerRows) {
  ASSERT_EQ(getMaxEnumValForAlgorithm() + 1,
            static_cast<uint32_t>(TRAINC_NUM_OPTIMIZERS));
  for (int i = 0; i < TRAINC_NUM_OPTIMIZERS; ++i) {
    auto algorithm = static_cast<Algorithm>(i);
    EXPECT_EQ(stringifyAlgorithm(algorithm).str(), trainc_optimizers[i].name)
        << "row " << i;
    EXPECT_EQ(&optimizerInfo(algorithm),
              trainc_find_optimizer(trainc_optimizers[i].name));
    EXPECT_EQ(symbolizeAlgorithm(trainc_optimizers[i].name), algorithm);
  }
}

TEST(SharedTablesTest, OnlyLarsAndLambKeepLayerScales) {
  for (int i = 0; i < TRAINC_NUM_OPTIMIZERS; ++i) {
    auto algorithm = static_cast<Algorithm>(i);
    std::string name = trainc_optimizers[i].name;
    EXPECT_EQ(usesLayerScales(algorithm), name == "lars" || name == "lamb")
        << name;
  }
}
