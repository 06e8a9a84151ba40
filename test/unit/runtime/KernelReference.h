//===- KernelReference.h - naive kernels the tests trust --------*- C++ -*-===//
//
// Direct loops in double precision, written from the ONNX definitions and
// sharing nothing with the runtime. Each result element also carries the sum
// of the absolute values of the terms it adds up, the scale its float32
// rounding error is proportional to.
//
//===----------------------------------------------------------------------===//

#ifndef TRAINC_TEST_UNIT_RUNTIME_KERNELREFERENCE_H
#define TRAINC_TEST_UNIT_RUNTIME_KERNELREFERENCE_H

#include "trainc/kernels.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace trainc::test {

struct Reference {
  std::vector<double> values;
  /// Per element: the sum of |term| over the terms added into it.
  std::vector<double> scales;
};

int64_t inputSize(const trainc_conv2d_geometry &g);
int64_t filterSize(const trainc_conv2d_geometry &g);
int64_t outputSize(const trainc_conv2d_geometry &g);

/// Calls visit(xIndex, wIndex, yIndex) once for every product x * w that
/// the convolution adds into y: the 7 nested loops of the definition, with
/// taps that land in the padding skipped. Forward, backward data and
/// backward filter all iterate these same triples, so each is the exact
/// adjoint of the forward.
void forEachTap(const trainc_conv2d_geometry &g,
                const std::function<void(int64_t, int64_t, int64_t)> &visit);

/// y = conv(x, w) + b (b may be null).
Reference convForward(const trainc_conv2d_geometry &g, const float *x,
                      const float *w, const float *b);
/// dx[i] = sum over taps (i, j, k) of dy[k] * w[j].
Reference convBackwardData(const trainc_conv2d_geometry &g, const float *dy,
                           const float *w);
/// dw[j] = sum over taps (i, j, k) of dy[k] * x[i].
Reference convBackwardFilter(const trainc_conv2d_geometry &g, const float *dy,
                             const float *x);

/// C = alpha * op(A) * op(B) + beta * C, row-major, as kernels.h defines it;
/// C is not read when beta == 0.
Reference gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
               float alpha, const float *a, const float *b, float beta,
               const float *c);

} // namespace trainc::test

#endif // TRAINC_TEST_UNIT_RUNTIME_KERNELREFERENCE_H
