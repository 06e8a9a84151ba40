//===- CudaKernels.cpp - the library calls and launches of the CUDA target ===//
//
// The C interface of trainc/kernels.h on device pointers, for the CUDA
// target: convolutions in cuDNN, GEMMs in cuBLAS, the generated kernels
// launched from the model's image, all on the device's one stream. Every
// call returns once its work is enqueued; the host waits once per step.
//
// Convolutions: one cuDNN plan per geometry and direction, made the first
// time the geometry is met (the first step) and kept: descriptors (NCHW,
// float32, FMA math: no TF32, so results stay within float32 rounding of
// the CPU target's), and the algorithm cuDNN's heuristics rank first among
// the deterministic ones, so every run of a step gives the same bits. One
// workspace serves every plan, grown to the largest need.
//
//===----------------------------------------------------------------------===//

#include "Context.h"
#include "Error.h"
#include "cuda/CudaDevice.h"
#include "trainc/kernels.h"

#include <cublas_v2.h>
#include <cudnn.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <memory>

namespace trainc::rt {
namespace {

void checkCudnn(cudnnStatus_t status, const std::string &what) {
  if (status != CUDNN_STATUS_SUCCESS)
    fatal("cuDNN: " + what + ": " + cudnnGetErrorString(status));
}

void checkCublas(cublasStatus_t status, const std::string &what) {
  if (status != CUBLAS_STATUS_SUCCESS)
    fatal("cuBLAS: " + what + ": " + cublasGetStatusString(status));
}

enum class Direction { Forward, BackwardData, BackwardFilter };

const char *directionName(Direction d) {
  switch (d) {
  case Direction::Forward:
    return "forward";
  case Direction::BackwardData:
    return "backward data";
  case Direction::BackwardFilter:
    return "backward filter";
  }
  return "?";
}

/// "conv 64x3x224x224 * 64x3x7x7 stride 2 pad 3"
std::string describeGeometry(const trainc_conv2d_geometry &g) {
  char text[256];
  std::snprintf(text, sizeof(text),
                "convolution %lldx%lldx%lldx%lld * %lldx%lldx%lldx%lld "
                "(stride %lldx%lld, pad %lld,%lld,%lld,%lld, groups %lld)",
                (long long)g.n, (long long)g.c, (long long)g.h, (long long)g.w,
                (long long)g.m, (long long)(g.c / std::max<int64_t>(g.groups, 1)),
                (long long)g.kh, (long long)g.kw, (long long)g.stride_h,
                (long long)g.stride_w, (long long)g.pad_top,
                (long long)g.pad_left, (long long)g.pad_bottom,
                (long long)g.pad_right, (long long)g.groups);
  return text;
}

struct ConvPlan {
  cudnnTensorDescriptor_t x = nullptr, y = nullptr, bias = nullptr;
  cudnnFilterDescriptor_t w = nullptr;
  cudnnConvolutionDescriptor_t conv = nullptr;
  int algorithm = 0;
  size_t workspace = 0;
};

/// The libraries' handles and the plans, created on first use (after the
/// device, whose context is current).
struct CudaLibraries {
  cudnnHandle_t cudnn = nullptr;
  cublasHandle_t cublas = nullptr;
  std::map<std::pair<std::array<int64_t, TRAINC_CONV_GEOMETRY_SIZE>, int>,
           ConvPlan>
      plans;
  void *workspace = nullptr;
  size_t workspaceBytes = 0;
};

CudaLibraries &libraries(CudaDevice &device) {
  static CudaLibraries *libs = [&] {
    auto *l = new CudaLibraries;
    checkCudnn(cudnnCreate(&l->cudnn), "creating the handle");
    checkCudnn(cudnnSetStream(l->cudnn, device.stream), "setting the stream");
    checkCublas(cublasCreate(&l->cublas), "creating the handle");
    checkCublas(cublasSetStream(l->cublas, device.stream),
                "setting the stream");
    // No TF32: float32 GEMMs round as float32.
    checkCublas(cublasSetMathMode(l->cublas, CUBLAS_PEDANTIC_MATH),
                "setting the math mode");
    return l;
  }();
  return *libs;
}

int narrow(int64_t v, const trainc_conv2d_geometry &g) {
  if (v < 0 || v > 0x7fffffff)
    fatal("cuDNN: a dimension of " + describeGeometry(g) +
          " does not fit in 32 bits");
  return static_cast<int>(v);
}

template <typename Perf, typename Get>
int chooseAlgorithm(Get get, const trainc_conv2d_geometry &g, Direction d,
                    size_t &workspace) {
  Perf perf[16];
  int count = 0;
  checkCudnn(get(16, &count, perf),
             std::string("ranking the algorithms of ") + directionName(d) +
                 " " + describeGeometry(g));
  for (int i = 0; i < count; ++i)
    if (perf[i].status == CUDNN_STATUS_SUCCESS &&
        perf[i].determinism == CUDNN_DETERMINISTIC &&
        perf[i].mathType != CUDNN_TENSOR_OP_MATH &&
        perf[i].mathType != CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION) {
      workspace = perf[i].memory;
      return static_cast<int>(perf[i].algo);
    }
  fatal(std::string("cuDNN has no deterministic algorithm for the ") +
        directionName(d) + " pass of " + describeGeometry(g));
}

ConvPlan &planFor(CudaDevice &device, CudaLibraries &libs,
                  const trainc_conv2d_geometry &g, Direction d) {
  std::array<int64_t, TRAINC_CONV_GEOMETRY_SIZE> key;
  std::memcpy(key.data(), &g, sizeof(g));
  auto [it, inserted] = libs.plans.try_emplace({key, static_cast<int>(d)});
  ConvPlan &plan = it->second;
  if (!inserted)
    return plan;
  if (g.pad_top != g.pad_bottom || g.pad_left != g.pad_right)
    fatal("cuDNN takes symmetric padding only: " + describeGeometry(g));
  // The CUDA target keeps NCHW (train-assign-layouts blocks channels for
  // oneDNN only).
  if (g.x_block != 0 || g.y_block != 0 || g.w_block != 0)
    fatal("cuDNN is given NCHW tensors only, not channel blocks of " +
          std::to_string(std::max({g.x_block, g.y_block, g.w_block})) + ": " +
          describeGeometry(g));
  std::string what = describeGeometry(g);
  checkCudnn(cudnnCreateTensorDescriptor(&plan.x), what);
  checkCudnn(cudnnCreateTensorDescriptor(&plan.y), what);
  checkCudnn(cudnnCreateTensorDescriptor(&plan.bias), what);
  checkCudnn(cudnnCreateFilterDescriptor(&plan.w), what);
  checkCudnn(cudnnCreateConvolutionDescriptor(&plan.conv), what);
  checkCudnn(cudnnSetTensor4dDescriptor(plan.x, CUDNN_TENSOR_NCHW,
                                        CUDNN_DATA_FLOAT, narrow(g.n, g),
                                        narrow(g.c, g), narrow(g.h, g),
                                        narrow(g.w, g)),
             what);
  checkCudnn(cudnnSetTensor4dDescriptor(plan.y, CUDNN_TENSOR_NCHW,
                                        CUDNN_DATA_FLOAT, narrow(g.n, g),
                                        narrow(g.m, g), narrow(g.oh, g),
                                        narrow(g.ow, g)),
             what);
  checkCudnn(cudnnSetTensor4dDescriptor(plan.bias, CUDNN_TENSOR_NCHW,
                                        CUDNN_DATA_FLOAT, 1, narrow(g.m, g), 1,
                                        1),
             what);
  checkCudnn(cudnnSetFilter4dDescriptor(
                 plan.w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, narrow(g.m, g),
                 narrow(g.c / g.groups, g), narrow(g.kh, g), narrow(g.kw, g)),
             what);
  checkCudnn(cudnnSetConvolution2dDescriptor(
                 plan.conv, narrow(g.pad_top, g), narrow(g.pad_left, g),
                 narrow(g.stride_h, g), narrow(g.stride_w, g),
                 narrow(g.dilation_h, g), narrow(g.dilation_w, g),
                 CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT),
             what);
  checkCudnn(cudnnSetConvolutionGroupCount(plan.conv, narrow(g.groups, g)),
             what);
  checkCudnn(cudnnSetConvolutionMathType(plan.conv, CUDNN_FMA_MATH), what);
  switch (d) {
  case Direction::Forward:
    plan.algorithm = chooseAlgorithm<cudnnConvolutionFwdAlgoPerf_t>(
        [&](int n, int *count, cudnnConvolutionFwdAlgoPerf_t *perf) {
          return cudnnGetConvolutionForwardAlgorithm_v7(
              libs.cudnn, plan.x, plan.w, plan.conv, plan.y, n, count, perf);
        },
        g, d, plan.workspace);
    break;
  case Direction::BackwardData:
    plan.algorithm = chooseAlgorithm<cudnnConvolutionBwdDataAlgoPerf_t>(
        [&](int n, int *count, cudnnConvolutionBwdDataAlgoPerf_t *perf) {
          return cudnnGetConvolutionBackwardDataAlgorithm_v7(
              libs.cudnn, plan.w, plan.y, plan.conv, plan.x, n, count, perf);
        },
        g, d, plan.workspace);
    break;
  case Direction::BackwardFilter:
    plan.algorithm = chooseAlgorithm<cudnnConvolutionBwdFilterAlgoPerf_t>(
        [&](int n, int *count, cudnnConvolutionBwdFilterAlgoPerf_t *perf) {
          return cudnnGetConvolutionBackwardFilterAlgorithm_v7(
              libs.cudnn, plan.x, plan.y, plan.conv, plan.w, n, count, perf);
        },
        g, d, plan.workspace);
    break;
  }
  if (plan.workspace > libs.workspaceBytes) {
    // Only while the first step meets new geometries: the old workspace
    // may still be in use by enqueued work.
    device.synchronize("a GPU kernel or copy failed");
    if (libs.workspace)
      device.driver.cuMemFree(reinterpret_cast<CUdeviceptr>(libs.workspace));
    libs.workspace = device.allocate(static_cast<int64_t>(plan.workspace),
                                     "the cuDNN workspace");
    libs.workspaceBytes = plan.workspace;
  }
  return plan;
}

const float kOne = 1.0f, kZero = 0.0f;

} // namespace
} // namespace trainc::rt

using namespace trainc::rt;

extern "C" {

void trainc_rt_conv2d_forward(void *context, const trainc_conv2d_geometry *g,
                              const float *x, const float *w, const float *b,
                              float *y) {
  CudaDevice &device = cudaDeviceOf(context);
  CudaLibraries &libs = libraries(device);
  ConvPlan &plan = planFor(device, libs, *g, Direction::Forward);
  checkCudnn(cudnnConvolutionForward(
                 libs.cudnn, &kOne, plan.x, x, plan.w, w, plan.conv,
                 static_cast<cudnnConvolutionFwdAlgo_t>(plan.algorithm),
                 libs.workspace, plan.workspace, &kZero, plan.y, y),
             "forward " + describeGeometry(*g));
  if (b)
    checkCudnn(cudnnAddTensor(libs.cudnn, &kOne, plan.bias, b, &kOne, plan.y,
                              y),
               "adding the bias of " + describeGeometry(*g));
}

void trainc_rt_conv2d_backward_data(void *context,
                                    const trainc_conv2d_geometry *g,
                                    const float *dy, const float *w,
                                    float *dx) {
  CudaDevice &device = cudaDeviceOf(context);
  CudaLibraries &libs = libraries(device);
  ConvPlan &plan = planFor(device, libs, *g, Direction::BackwardData);
  checkCudnn(cudnnConvolutionBackwardData(
                 libs.cudnn, &kOne, plan.w, w, plan.y, dy, plan.conv,
                 static_cast<cudnnConvolutionBwdDataAlgo_t>(plan.algorithm),
                 libs.workspace, plan.workspace, &kZero, plan.x, dx),
             "backward data " + describeGeometry(*g));
}

void trainc_rt_conv2d_backward_filter(void *context,
                                      const trainc_conv2d_geometry *g,
                                      const float *dy, const float *x,
                                      float *dw) {
  CudaDevice &device = cudaDeviceOf(context);
  CudaLibraries &libs = libraries(device);
  ConvPlan &plan = planFor(device, libs, *g, Direction::BackwardFilter);
  checkCudnn(cudnnConvolutionBackwardFilter(
                 libs.cudnn, &kOne, plan.x, x, plan.y, dy, plan.conv,
                 static_cast<cudnnConvolutionBwdFilterAlgo_t>(plan.algorithm),
                 libs.workspace, plan.workspace, &kZero, plan.w, dw),
             "backward filter " + describeGeometry(*g));
}

void trainc_rt_gemm(void *context, int32_t trans_a, int32_t trans_b, int64_t m,
                    int64_t n, int64_t k, float alpha, const float *a,
                    const float *b, float beta, float *c) {
  CudaDevice &device = cudaDeviceOf(context);
  CudaLibraries &libs = libraries(device);
  if (m > 0x7fffffff || n > 0x7fffffff || k > 0x7fffffff)
    fatal("cuBLAS: a GEMM of " + std::to_string(m) + "x" + std::to_string(n) +
          "x" + std::to_string(k) + " does not fit in 32 bits");
  if (m == 0 || n == 0)
    return;
  // Row-major C = op(A) op(B) is column-major C^T = op(B)^T op(A)^T: the
  // operands swap and keep their transposition flags. (cuBLAS wants every
  // leading dimension at least 1, even with k == 0.)
  int lda = static_cast<int>(std::max<int64_t>(1, trans_a ? m : k));
  int ldb = static_cast<int>(std::max<int64_t>(1, trans_b ? k : n));
  checkCublas(cublasSgemm(libs.cublas, trans_b ? CUBLAS_OP_T : CUBLAS_OP_N,
                          trans_a ? CUBLAS_OP_T : CUBLAS_OP_N,
                          static_cast<int>(n), static_cast<int>(m),
                          static_cast<int>(k), &alpha, b, ldb, a, lda, &beta,
                          c, static_cast<int>(n)),
              "a GEMM of " + std::to_string(m) + "x" + std::to_string(n) +
                  "x" + std::to_string(k));
}

void trainc_rt_launch(void *context, int32_t kernel, int64_t grid_x,
                      int64_t grid_y, int64_t grid_z, int64_t block_x,
                      int64_t block_y, int64_t block_z, int32_t shared_bytes,
                      void *params, int32_t num_params) {
  const int64_t grid[3] = {grid_x, grid_y, grid_z};
  const int64_t block[3] = {block_x, block_y, block_z};
  cudaDeviceOf(context).launch(kernel, grid, block, shared_bytes, params,
                               num_params);
}

void trainc_rt_parallel_for(void *, trainc_kernel_fn, void *, int64_t) {
  fatal("internal error: a CPU kernel in an executable compiled with "
        "--target=cuda");
}

} // extern "C"
