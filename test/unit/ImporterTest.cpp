//===- ImporterTest.cpp - ONNX import: parameters, roles, forms, errors ---===//

#include "importers/onnx/OnnxImporter.h"

#include "dialects/Train/IR/TrainDialect.h"
#include "dialects/Train/IR/TrainOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/MLIRContext.h"

#include "onnx/defs/parser.h"
#include "onnx/onnx_pb.h"

#include <gtest/gtest.h>

#include <set>

using namespace mlir;
using namespace trainc;

namespace {
onnx::ModelProto parse(const std::string &text) {
  onnx::ModelProto model;
  auto status = onnx::OnnxParser::Parse(model, text.c_str());
  EXPECT_TRUE(status.IsOK()) << status.ErrorMessage();
  return model;
}

std::string header(int opset) {
  return "<ir_version: 8, opset_import: [\"\" : " + std::to_string(opset) +
         "]>\n";
}

/// Conv -> BN -> Relu -> GlobalAveragePool -> Flatten -> Gemm.
std::string smallNet(int opset, const std::string &bnNode,
                     const std::string &batch = "2") {
  return header(opset) + "net (float[" + batch + R"(, 2, 4, 4] x,
  float[3, 2, 3, 3] conv_w = {1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,
                              19,20,21,22,23,24,25,26,27,28,29,30,31,32,33,34,35,36,
                              37,38,39,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54},
  float[3] bn_scale = {1, 1, 1}, float[3] bn_bias = {0, 0, 0},
  float[3] bn_mean = {0, 0, 0}, float[3] bn_var = {1, 1, 1},
  float[5, 3] fc_w = {1,2,3,4,5,6,7,8,9,10,11,12,13,14,15},
  float[5] fc_b = {1,2,3,4,5}) => (float[)" +
         batch + R"(, 5] y) {
  c = Conv <pads = [1, 1, 1, 1]> (x, conv_w)
  )" + bnNode + R"(
  r = Relu (b)
  g = GlobalAveragePool (r)
  f = Flatten (g)
  y = Gemm <transB = 1> (f, fc_w, fc_b)
})";
}

struct Imported {
  OwningOpRef<ModuleOp> module;
  std::string error;
  func::FuncOp forward() {
    return module->lookupSymbol<func::FuncOp>("forward");
  }
  template <typename OpT> int count() {
    int n = 0;
    forward().walk([&](OpT) { ++n; });
    return n;
  }
};

class ImporterTest : public ::testing::Test {
protected:
  Imported import(const std::string &text,
                  std::optional<int64_t> batch = std::nullopt) {
    onnx::ModelProto model = parse(text);
    ImportOptions options;
    options.batch = batch;
    options.sourceName = "test.onnx";
    Imported result;
    result.module = importOnnxModel(context, model, options, result.error);
    return result;
  }
  MLIRContext context;
};

TEST_F(ImporterTest, InitializersBecomeNamedParametersWithValues) {
  Imported r = import(smallNet(15, "b = BatchNormalization (c, bn_scale, "
                                   "bn_bias, bn_mean, bn_var)"));
  ASSERT_TRUE(r.module) << r.error;
  func::FuncOp f = r.forward();
  ASSERT_EQ(f.getNumArguments(), 8u);
  EXPECT_EQ(f.getArgAttrOfType<StringAttr>(0, "train.input").str(), "x");
  EXPECT_EQ(f.getArgAttrOfType<StringAttr>(1, "train.param").str(), "conv_w");
  // Running statistics are buffers, not trainable parameters.
  EXPECT_EQ(f.getArgAttrOfType<StringAttr>(4, "train.buffer").str(),
            "bn_mean");
  EXPECT_EQ(f.getArgAttrOfType<StringAttr>(5, "train.buffer").str(), "bn_var");
  EXPECT_FALSE(f.getArgAttr(4, "train.param"));
  // The initial value is kept, byte for byte.
  auto init = f.getArgAttrOfType<DenseResourceElementsAttr>(7, "train.init");
  ASSERT_TRUE(init);
  auto blob = init.getRawHandle().getBlob();
  ASSERT_TRUE(blob);
  ArrayRef<float> values(reinterpret_cast<const float *>(blob->getData().data()),
                         blob->getData().size() / sizeof(float));
  EXPECT_EQ(values, (ArrayRef<float>{1, 2, 3, 4, 5}));
  EXPECT_EQ(r.count<train::Conv2DOp>(), 1);
  EXPECT_EQ(r.count<train::BatchNormInferenceOp>(), 1);
  EXPECT_EQ(r.count<train::GemmOp>(), 1);
}

TEST_F(ImporterTest, BatchNormForms) {
  // Opset 15, training_mode = 1 with three outputs.
  Imported t15 = import(smallNet(
      15, "b, rm, rv = BatchNormalization <training_mode = 1> (c, bn_scale, "
          "bn_bias, bn_mean, bn_var)"));
  ASSERT_TRUE(t15.module) << t15.error;
  EXPECT_EQ(t15.count<train::BatchNormOp>(), 1);
  // Opset 9, training form: five outputs.
  Imported t9 = import(smallNet(
      9, "b, rm, rv, sm, sv = BatchNormalization (c, bn_scale, bn_bias, "
         "bn_mean, bn_var)"));
  ASSERT_TRUE(t9.module) << t9.error;
  EXPECT_EQ(t9.count<train::BatchNormOp>(), 1);
  // Opset 9, inference form.
  Imported i9 = import(smallNet(
      9, "b = BatchNormalization (c, bn_scale, bn_bias, bn_mean, bn_var)"));
  ASSERT_TRUE(i9.module) << i9.error;
  EXPECT_EQ(i9.count<train::BatchNormInferenceOp>(), 1);
}

TEST_F(ImporterTest, DynamicBatchNeedsBatchFlag) {
  std::string text = smallNet(
      15, "b = BatchNormalization (c, bn_scale, bn_bias, bn_mean, bn_var)",
      "N");
  Imported missing = import(text);
  EXPECT_FALSE(missing.module);
  EXPECT_EQ(missing.error, "input 'x' has a dynamic batch dimension ('N'); "
                           "set it with --batch N");
  Imported withBatch = import(text, 16);
  ASSERT_TRUE(withBatch.module) << withBatch.error;
  auto type = cast<RankedTensorType>(withBatch.forward().getArgumentTypes()[0]);
  EXPECT_EQ(type.getShape(), (ArrayRef<int64_t>{16, 2, 4, 4}));
}

TEST_F(ImporterTest, UnsupportedOpNamesTypeAndNode) {
  Imported r = import(header(13) + R"(g (float[2, 3] x, float[3] w = {1,2,3})
      => (float[2, 3] y) {
    y = Softsign (x)
  })");
  EXPECT_FALSE(r.module);
  EXPECT_EQ(r.error, "node #0 (Softsign): unsupported op type "
                     "'Softsign'");
}

TEST_F(ImporterTest, NoInitializers) {
  Imported r = import(header(13) + R"(g (float[2, 3] x) => (float[2, 3] y) {
    y = Relu (x)
  })");
  EXPECT_FALSE(r.module);
  EXPECT_EQ(r.error,
            "the model has no initializers, so there are no parameters to "
            "train");
}

TEST_F(ImporterTest, IdentityKeepsTheInitializerName) {
  Imported r = import(header(13) + R"(g (float[2, 3] x,
      float[4, 3] w = {1,2,3,4,5,6,7,8,9,10,11,12}) => (float[2, 4] y) {
    w2 = Identity (w)
    y = Gemm <transB = 1> (x, w2)
  })");
  ASSERT_TRUE(r.module) << r.error;
  EXPECT_EQ(r.forward().getArgAttrOfType<StringAttr>(1, "train.param").str(),
            "w");
}

TEST_F(ImporterTest, ReshapeResolvesZeroAndMinusOne) {
  Imported r = import(header(13) + R"(g (float[2, 3, 4] x,
      float[3, 3] w = {1,2,3,4,5,6,7,8,9}, int64[2] s = {0, -1})
      => (float[2, 12] y) {
    y = Reshape (x, s)
  })");
  ASSERT_TRUE(r.module) << r.error;
  auto type = cast<RankedTensorType>(r.forward().getResultTypes()[0]);
  EXPECT_EQ(type.getShape(), (ArrayRef<int64_t>{2, 12}));
  // The int64 shape is a constant, not a parameter; `w` is unused.
  EXPECT_EQ(r.forward().getNumArguments(), 1u);
}

TEST_F(ImporterTest, InconsistentDeclaredShape) {
  Imported r = import(header(13) + R"(g (float[2, 3] x,
      float[4, 3] w = {1,2,3,4,5,6,7,8,9,10,11,12}) => (float[2, 5] y) {
    y = Gemm <transB = 1> (x, w)
  })");
  EXPECT_FALSE(r.module);
  EXPECT_EQ(r.error, "output 'y' is declared with shape [2, 5] but the graph "
                     "computes [2, 4]");
}

TEST_F(ImporterTest, ShapeErrorNamesTheNode) {
  Imported r = import(header(13) + R"(g (float[1, 3, 8, 8] x,
      float[4, 2, 1, 1] w = {1,2,3,4,5,6,7,8}) => (float[1, 4, 8, 8] y) {
    y = Conv <group = 1> (x, w)
  })");
  EXPECT_FALSE(r.module);
  EXPECT_EQ(r.error,
            "node #0 (Conv): filter [4, 2, 1, 1] expects 2 input channels "
            "(2 per group x 1 groups), but the input [1, 3, 8, 8] has 3");
}

TEST_F(ImporterTest, OneInitializerInTwoRolesGetsTwoArguments) {
  // As exporters write a fresh BatchNorm: scale and running variance merged
  // into one initializer of ones.
  Imported r = import(smallNet(15, R"(b = BatchNormalization (c, bn_scale,
      bn_bias, bn_mean, bn_scale))"));
  ASSERT_TRUE(r.module) << r.error;
  func::FuncOp f = r.forward();
  // The parameter keeps the name; the statistic gets one of its own.
  int params = 0, buffers = 0;
  for (unsigned i = 0; i < f.getNumArguments(); ++i) {
    if (f.getArgAttrOfType<StringAttr>(i, "train.param") ==
        StringAttr::get(&context, "bn_scale"))
      ++params;
    if (f.getArgAttrOfType<StringAttr>(i, "train.buffer") ==
        StringAttr::get(&context, "bn_scale_running"))
      ++buffers;
  }
  EXPECT_EQ(params, 1);
  EXPECT_EQ(buffers, 1);
}

TEST_F(ImporterTest, InferenceTemplateHolesCoverEveryTrainedTensor) {
  Imported r = import(smallNet(15, R"(b = BatchNormalization (c, bn_scale,
      bn_bias, bn_mean, bn_scale))"));
  ASSERT_TRUE(r.module) << r.error;
  auto exported = (*r.module)->getAttrOfType<DictionaryAttr>(
      "train.onnx_export");
  ASSERT_TRUE(exported);
  ASSERT_FALSE(exported.get("unsupported"));
  std::set<std::pair<std::string, std::string>> holes;
  int64_t previous = 0;
  for (Attribute h : exported.getAs<ArrayAttr>("holes")) {
    auto hole = cast<DictionaryAttr>(h);
    holes.insert({hole.getAs<StringAttr>("kind").str(),
                  hole.getAs<StringAttr>("name").str()});
    int64_t at = hole.getAs<IntegerAttr>("at").getInt();
    EXPECT_GE(at, previous);
    previous = at;
  }
  func::FuncOp f = r.forward();
  std::set<std::pair<std::string, std::string>> trained;
  for (unsigned i = 0; i < f.getNumArguments(); ++i) {
    if (auto p = f.getArgAttrOfType<StringAttr>(i, "train.param"))
      trained.insert({"param", p.str()});
    if (auto b = f.getArgAttrOfType<StringAttr>(i, "train.buffer"))
      trained.insert({"buffer", b.str()});
  }
  EXPECT_EQ(holes, trained);
}
} // namespace
