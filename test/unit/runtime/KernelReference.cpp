//===- KernelReference.cpp - naive kernels the tests trust ----------------===//

#include "KernelReference.h"

#include <cmath>

namespace trainc::test {

int64_t inputSize(const trainc_conv2d_geometry &g) {
  return g.n * g.c * g.h * g.w;
}
int64_t filterSize(const trainc_conv2d_geometry &g) {
  return g.m * (g.c / g.groups) * g.kh * g.kw;
}
int64_t outputSize(const trainc_conv2d_geometry &g) {
  return g.n * g.m * g.oh * g.ow;
}

void forEachTap(const trainc_conv2d_geometry &g,
                const std::function<void(int64_t, int64_t, int64_t)> &visit) {
  int64_t groupIn = g.c / g.groups, groupOut = g.m / g.groups;
  for (int64_t n = 0; n < g.n; ++n)
    for (int64_t m = 0; m < g.m; ++m)
      for (int64_t oy = 0; oy < g.oh; ++oy)
        for (int64_t ox = 0; ox < g.ow; ++ox)
          for (int64_t ci = 0; ci < groupIn; ++ci)
            for (int64_t ky = 0; ky < g.kh; ++ky)
              for (int64_t kx = 0; kx < g.kw; ++kx) {
                int64_t c = (m / groupOut) * groupIn + ci;
                int64_t iy = oy * g.stride_h - g.pad_top + ky * g.dilation_h;
                int64_t ix = ox * g.stride_w - g.pad_left + kx * g.dilation_w;
                if (iy < 0 || iy >= g.h || ix < 0 || ix >= g.w)
                  continue;
                int64_t xIndex = ((n * g.c + c) * g.h + iy) * g.w + ix;
                int64_t wIndex = ((m * groupIn + ci) * g.kh + ky) * g.kw + kx;
                int64_t yIndex = ((n * g.m + m) * g.oh + oy) * g.ow + ox;
                visit(xIndex, wIndex, yIndex);
              }
}

Reference convForward(const trainc_conv2d_geometry &g, const float *x,
                      const float *w, const float *b) {
  Reference r{std::vector<double>(outputSize(g)),
              std::vector<double>(outputSize(g))};
  if (b)
    for (int64_t i = 0; i < outputSize(g); ++i) {
      int64_t m = (i / (g.oh * g.ow)) % g.m;
      r.values[i] = b[m];
      r.scales[i] = std::fabs(b[m]);
    }
  forEachTap(g, [&](int64_t xi, int64_t wi, int64_t yi) {
    double term = double(x[xi]) * w[wi];
    r.values[yi] += term;
    r.scales[yi] += std::fabs(term);
  });
  return r;
}

Reference convBackwardData(const trainc_conv2d_geometry &g, const float *dy,
                           const float *w) {
  Reference r{std::vector<double>(inputSize(g)),
              std::vector<double>(inputSize(g))};
  forEachTap(g, [&](int64_t xi, int64_t wi, int64_t yi) {
    double term = double(dy[yi]) * w[wi];
    r.values[xi] += term;
    r.scales[xi] += std::fabs(term);
  });
  return r;
}

Reference convBackwardFilter(const trainc_conv2d_geometry &g, const float *dy,
                             const float *x) {
  Reference r{std::vector<double>(filterSize(g)),
              std::vector<double>(filterSize(g))};
  forEachTap(g, [&](int64_t xi, int64_t wi, int64_t yi) {
    double term = double(dy[yi]) * x[xi];
    r.values[wi] += term;
    r.scales[wi] += std::fabs(term);
  });
  return r;
}

Reference gemm(bool transA, bool transB, int64_t m, int64_t n, int64_t k,
               float alpha, const float *a, const float *b, float beta,
               const float *c) {
  Reference r{std::vector<double>(m * n), std::vector<double>(m * n)};
  for (int64_t i = 0; i < m; ++i)
    for (int64_t j = 0; j < n; ++j) {
      double sum = 0, scale = 0;
      for (int64_t p = 0; p < k; ++p) {
        double av = transA ? a[p * m + i] : a[i * k + p];
        double bv = transB ? b[j * k + p] : b[p * n + j];
        sum += av * bv;
        scale += std::fabs(av * bv);
      }
      double value = double(alpha) * sum;
      scale *= std::fabs(alpha);
      if (beta != 0.0f) {
        value += double(beta) * c[i * n + j];
        scale += std::fabs(double(beta) * c[i * n + j]);
      }
      r.values[i * n + j] = value;
      r.scales[i * n + j] = scale;
    }
  return r;
}

} // namespace trainc::test
