//===- ArenasTest.cpp - model descriptions the runtime refuses, arenas ----===//

#include "train/Arenas.h"
#include "MockModel.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace trainc::rt;
using namespace trainc::test;

namespace {

/// A modifiable copy of the mock's description and tensor table.
struct Description {
  Description() : desc(*trainc_model()) {
    for (int i = 0; i < desc.num_tensors; ++i)
      tensors.push_back(desc.tensors[i]);
    desc.tensors = tensors.data();
  }
  Description(const Description &) = delete;
  std::string problem() const { return checkModelDescription(desc); }
  trainc_model_desc desc;
  std::vector<trainc_tensor_desc> tensors;
};

TEST(ArenasTest, TheMockIsValid) {
  EXPECT_EQ(Description().problem(), "");
  EXPECT_EQ(sampleShape(*trainc_model()), (std::vector<int64_t>{1, 28, 28}));
  EXPECT_EQ(tensorShape(trainc_model()->tensors[0]),
            (std::vector<int64_t>{10, 784}));
}

/// The problem checkModelDescription finds once `change` is applied to
/// the mock's description.
template <typename Change> std::string problemAfter(Change change) {
  Description d;
  change(d.desc, d.tensors);
  return d.problem();
}

TEST(ArenasTest, BadDescriptionsAreRefusedWithTheirReason) {
  using Tensors = std::vector<trainc_tensor_desc>;
  const std::string prefix = "invalid model description: ";
  EXPECT_EQ(
      problemAfter([](trainc_model_desc &d, Tensors &) {
        d.abi_version = TRAINC_MODEL_ABI_VERSION + 1;
      }),
      prefix + "the model was compiled for runtime ABI version " +
          std::to_string(TRAINC_MODEL_ABI_VERSION + 1) +
          " but this runtime implements version " +
          std::to_string(TRAINC_MODEL_ABI_VERSION) +
          " (compile it with the trainc that built this runtime)");
  // A model whose arenas live on a device cannot run on this (CPU) runtime.
  EXPECT_EQ(problemAfter([](trainc_model_desc &d, Tensors &) {
              d.memory_spaces[TRAINC_ARG_GRADS] = TRAINC_MEMORY_DEVICE;
            }),
            prefix + "the model was compiled for a target whose arenas live "
                     "in device memory; this runtime is the CPU target's");
  EXPECT_EQ(problemAfter(
                [](trainc_model_desc &d, Tensors &) { d.optimizer = "adam"; }),
            prefix + "the model's optimizer state is 31424 bytes, not 2 x "
                     "the parameters' 31424 bytes (adam)");
  EXPECT_EQ(problemAfter(
                [](trainc_model_desc &d, Tensors &) { d.optimizer = "sgdx"; }),
            prefix + "the model was compiled with the 'sgdx' optimizer, "
                     "which this runtime does not know");
  EXPECT_EQ(problemAfter(
                [](trainc_model_desc &d, Tensors &) { d.input_shape[0] = 8; }),
            prefix + "the model's input must be [batch, ...] with rank 2 to 8");
  EXPECT_EQ(
      problemAfter([](trainc_model_desc &d, Tensors &) { d.num_classes = 0; }),
      prefix + "the model has 0 classes");
  EXPECT_EQ(problemAfter([](trainc_model_desc &, Tensors &t) {
              t[1].offset = 31360 + 8;
            }),
            prefix + "tensor 1 ('linear/bias') at byte offset 31368 is "
                     "misaligned or outside its 31424-byte arena");
  EXPECT_EQ(
      problemAfter([](trainc_model_desc &, Tensors &t) { t[0].numel = 5; }),
      prefix + "tensor 0 ('linear/weight') has 5 elements but its "
               "shape holds 7840");
  EXPECT_EQ(
      problemAfter([](trainc_model_desc &, Tensors &t) { t[2].kind = 9; }),
      prefix + "tensor 2 ('linear/samples_seen') has unknown kind 9");
  // Stored layouts (model.h): channel blocks of 8 or 16, on filters only.
  EXPECT_EQ(
      problemAfter([](trainc_model_desc &, Tensors &t) { t[0].layout = 4; }),
      prefix + "tensor 0 ('linear/weight') has an unknown layout (channel "
               "block not 8 or 16)");
  EXPECT_EQ(
      problemAfter([](trainc_model_desc &, Tensors &t) { t[0].layout = 16; }),
      prefix + "tensor 0 ('linear/weight') has a channel-block layout but is "
               "not a filter [O, I, kH, kW] whose channels the block divides");
}

TEST(ArenasTest, ArenasAreAlignedInitialisedAndZeroed) {
  const trainc_model_desc &desc = *trainc_model();
  Arenas arenas = allocateArenas(desc);
  for (const AlignedBytes *arena :
       {&arenas.params, &arenas.grads, &arenas.buffers, &arenas.state,
        &arenas.activations}) {
    ASSERT_NE(arena->data(), nullptr);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(arena->data()) % 64, 0u);
  }
  EXPECT_EQ(arenas.params.size(), desc.param_bytes);
  EXPECT_EQ(
      std::memcmp(arenas.params.data(), desc.initial_params, desc.param_bytes),
      0);
  EXPECT_EQ(std::memcmp(arenas.buffers.data(), desc.initial_buffers,
                        desc.buffer_bytes),
            0);
  for (int64_t i = 0; i < desc.state_bytes; ++i)
    ASSERT_EQ(arenas.state.as<char>()[i], 0) << "state byte " << i;
  AlignedBytes empty(0, "nothing");
  EXPECT_NE(empty.data(), nullptr);
  EXPECT_EQ(empty.size(), 0);
}

} // namespace
