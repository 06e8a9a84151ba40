//===- Communicator.cpp - the single-process communicator -----------------===//

#include "comm/Communicator.h"

#include <cstdio>
#include <cstdlib>

namespace trainc::rt {
namespace {
/// One rank: every sum is the identity.
class SingleProcessData final : public DataPlane {
public:
  Handle start(void *, int64_t, Wire, Stream, const std::string &) override {
    return 0;
  }
  bool test(Handle) override { return true; }
  void wait(Handle, Stream) override {}
  void allreduceSum(double *, int64_t, Stream, const std::string &) override {}
  void allreduceFloat(float *, int64_t, bool, Stream,
                      const std::string &) override {}
};

class SingleProcess final : public Communicator {
public:
  int rank() const override { return 0; }
  int world() const override { return 1; }
  std::string describe() const override { return "single process"; }
  void allreduceSum(double *, int64_t) override {}
  void broadcast(void *, int64_t, int) override {}
  std::vector<uint64_t> allgather(uint64_t value, const char *) override {
    return {value};
  }
  [[noreturn]] void abortJob() override { std::_Exit(1); }
  DataPlane &data() override { return dataPlane; }

private:
  SingleProcessData dataPlane;
};
} // namespace

std::unique_ptr<Communicator> singleProcessCommunicator() {
  return std::make_unique<SingleProcess>();
}

std::string collectiveTimeoutMessage(const std::string &what, double seconds) {
  char text[64];
  std::snprintf(text, sizeof(text), "%g", seconds);
  return what + " did not complete within " + text +
         " s (--collective-timeout): another rank stopped or a link is down";
}

std::vector<int64_t> sliceCounts(int64_t count, int world) {
  std::vector<int64_t> counts(world, count / world);
  for (int64_t r = 0; r < count % world; ++r)
    ++counts[r];
  return counts;
}

#ifndef TRAINC_WITH_MPI
std::unique_ptr<Communicator> openCommunicator(int &, char **&,
                                               std::string &) {
  return singleProcessCommunicator();
}
#endif

} // namespace trainc::rt
