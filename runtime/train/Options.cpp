//===- Options.cpp - the training executable's command line ---------------===//

#include "train/Options.h"

#include "train/BatchSchedule.h"
#include "train/Schedule.h"

#include <algorithm>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace trainc::rt {
namespace {

using Apply = bool (*)(TrainOptions &, const std::string &name,
                       const std::string &value, std::string &error);

/// One flag, or (name == nullptr) a heading in --help.
struct OptionSpec {
  const char *name;
  /// The value's placeholder in --help; nullptr for a flag without a value.
  const char *metavar;
  const char *help;
  Apply apply;
};

bool parseInteger(const std::string &name, const std::string &text,
                  int64_t minimum, int64_t &value, std::string &error) {
  bool digits = !text.empty() && text.size() <= 18 &&
                text.find_first_not_of("0123456789") == std::string::npos;
  if (digits)
    value = std::strtoll(text.c_str(), nullptr, 10);
  if (!digits || value < minimum) {
    error = "option '" + name +
            "' expects an integer >= " + std::to_string(minimum) + ", got '" +
            text + "'";
    return false;
  }
  return true;
}

bool parseUnsigned64(const std::string &name, const std::string &text,
                     uint64_t &value, std::string &error) {
  errno = 0;
  char *end = nullptr;
  bool ok = !text.empty() &&
            text.find_first_not_of("0123456789") == std::string::npos;
  if (ok)
    value = std::strtoull(text.c_str(), &end, 10);
  if (!ok || errno == ERANGE) {
    error = "option '" + name + "' expects an integer in [0, 2^64), got '" +
            text + "'";
    return false;
  }
  return true;
}

/// A finite number that fits a float; `minimum` is inclusive.
bool parseFloat(const std::string &name, const std::string &text,
                std::optional<double> minimum, float &value,
                std::string &error) {
  char *end = nullptr;
  errno = 0;
  double parsed = text.empty() ? 0.0 : std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || errno == ERANGE ||
      !std::isfinite(parsed) ||
      std::fabs(parsed) > std::numeric_limits<float>::max()) {
    error = "option '" + name + "' expects a finite number, got '" + text + "'";
    return false;
  }
  if (minimum && parsed < *minimum) {
    error = "option '" + name +
            "' must be >= " + std::to_string(static_cast<int>(*minimum)) +
            ", got '" + text + "'";
    return false;
  }
  value = static_cast<float>(parsed);
  return true;
}

const OptionSpec kOptions[] = {
    {nullptr, nullptr, "Data", nullptr},
    {"--data", "SPEC",
     "training data: synthetic[:TRAIN[,TEST]] (generated from --seed; "
     "default 1024 and 256 samples), fashion-mnist[:DIR] (default DIR "
     "/usr/share/datasets/fashion-mnist) or npy:X.npy,Y.npy (float32 "
     "[N, C, H, W] and integer [N] labels; no test split). Default: "
     "fashion-mnist",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.data = v;
       return true;
     }},

    {nullptr, nullptr, "Length of the run", nullptr},
    {"--steps", "N",
     "stop after N optimizer steps in total (a resumed run counts the steps "
     "before the checkpoint)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       int64_t value;
       if (!parseInteger(n, v, 1, value, e))
         return false;
       o.steps = value;
       return true;
     }},
    {"--epochs", "N",
     "stop after N epochs in total. Default: 1 unless --steps is given; "
     "with both, whichever comes first",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       int64_t value;
       if (!parseInteger(n, v, 1, value, e))
         return false;
       o.epochs = value;
       return true;
     }},
    {"--accumulate", "K",
     "gradient accumulation: each optimizer step runs K micro-batches of "
     "the compiled batch on every process (forward and backward only, "
     "their gradients summed in place) before one all-reduce and one "
     "update, so the step's batch is batch x K x processes. BatchNorm "
     "normalises each micro-batch on its own (ghost batch normalisation); "
     "the loss and the gradient are means over the whole step. --steps "
     "counts updates. Default: 1",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       if (!parseInteger(n, v, 1, o.accumulate, e))
         return false;
       if (o.accumulate > (int64_t(1) << 20)) {
         e = "option '" + n + "' expects at most 1048576 micro-batches, got '" +
             v + "'";
         return false;
       }
       return true;
     }},
    {"--eval-every", "N",
     "also evaluate the test split every N steps (by default only at the "
     "end of each epoch and of the run)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseInteger(n, v, 1, o.evalEvery, e); }},
    {"--stop-at-accuracy", "A",
     "end the run after the first evaluation whose test accuracy is at "
     "least A (0 < A <= 1): steps to a goal (trainc-sweep)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       float value;
       if (!parseFloat(n, v, 0.0, value, e))
         return false;
       if (!(value > 0.0f && value <= 1.0f)) {
         e = "option '" + n + "' expects an accuracy in (0, 1], got '" + v +
             "'";
         return false;
       }
       o.stopAtAccuracy = value;
       return true;
     }},
    {"--stop-at-loss", "L",
     "end the run after the first evaluation whose test loss is at most L",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       float value;
       if (!parseFloat(n, v, 0.0, value, e))
         return false;
       o.stopAtLoss = value;
       return true;
     }},
    {"--batch-schedule", "SPEC",
     "grow the batch during the run by changing the micro-batches per "
     "step: epoch:E=K,... (from epoch E on, K micro-batches; epochs count "
     "examples seen), step:S=K,... (from step S on), smith (every decay of "
     "--lr-schedule step becomes a batch increase by 1/--lr-gamma, up to "
     "--max-batch, past which the rest of the factor decays the learning "
     "rate), noise[:F] (at the end of an epoch, K grows F-fold, default 2, "
     "while the measured noise scale exceeds the batch, up to --max-batch). "
     "Before the first change a step takes --accumulate micro-batches",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &e) {
       o.batchScheduleText = v;
       return parseBatchSchedule(v, o.batchSchedule, e);
     }},
    {"--max-batch", "B",
     "the largest batch (samples per step over all processes) "
     "--batch-schedule smith or noise may grow to",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseInteger(n, v, 1, o.maxBatch, e); }},
    {"--lr-scaling", "RULE",
     "when the batch grows from the first step's B0 to B: none (default: the "
     "rate stays), linear (x B / B0) or sqrt (x sqrt(B / B0))",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       if (v != "none" && v != "linear" && v != "sqrt") {
         e = "option '" + n + "' expects none, linear or sqrt, got '" + v +
             "'";
         return false;
       }
       o.lrScaling = v;
       return true;
     }},
    {"--no-noise-scale", nullptr,
     "do not measure the gradient noise scale (by default it is measured "
     "when there are two or more micro-batches per step: --accumulate 2 or "
     "more, or several processes)",
     [](TrainOptions &o, const std::string &, const std::string &,
        std::string &) {
       o.noiseScale = false;
       return true;
     }},

    {nullptr, nullptr,
     "Optimizer (compiled in by trainc --optimizer; each flag applies to the "
     "optimizers it names)",
     nullptr},
    {"--lr", "LR",
     "learning rate (the peak of the schedule). Default: 0.1",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.lr, e); }},
    {"--momentum", "M",
     "momentum of momentum, nesterov, lars (default 0.9) and rmsprop (default 0)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.momentum, e); }},
    {"--dampening", "D", "dampening of the momentum (momentum). Default: 0",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       return parseFloat(n, v, std::nullopt, o.dampening, e);
     }},
    {"--weight-decay", "WD",
     "weight decay, not applied to BatchNorm parameters and biases: an L2 term added to the gradient (adamw: decoupled, w *= 1 - lr WD; lars: inside the trust ratio; lamb: added to the update). Default: 0 (adamw 0.01, lars 1e-4)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.weightDecay, e); }},
    {"--weight-decay-bn-bias", nullptr,
     "apply --weight-decay to BatchNorm parameters and biases as well (lars: and the trust ratio)",
     [](TrainOptions &o, const std::string &, const std::string &,
        std::string &) {
       o.weightDecayBnBias = true;
       return true;
     }},
    {"--beta1", "B1",
     "decay of the first moment (adam, adamw, lamb). Default: 0.9",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.beta1, e); }},
    {"--beta2", "B2",
     "decay of the second moment (adam, adamw, lamb). Default: 0.999",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.beta2, e); }},
    {"--eps", "EPS",
     "added to the denominator (adagrad 1e-10; rmsprop, adam, adamw 1e-8; lamb 1e-6) or to the trust ratio's (lars 0)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.eps, e); }},
    {"--alpha", "A",
     "smoothing constant of the square average (rmsprop). Default: 0.99",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.alpha, e); }},
    {"--centered", nullptr,
     "normalise by the estimated variance of the gradient (rmsprop)",
     [](TrainOptions &o, const std::string &, const std::string &,
        std::string &) {
       o.centered = true;
       return true;
     }},
    {"--lr-decay", "D",
     "learning-rate decay lr / (1 + step D) (adagrad). Default: 0",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.lrDecay, e); }},
    {"--trust-coefficient", "T",
     "trust coefficient of the per-layer ratio (lars). Default: 0.001",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.trustCoefficient, e); }},
    {"--no-bias-correction", nullptr,
     "no bias correction of the moments (lamb)",
     [](TrainOptions &o, const std::string &, const std::string &,
        std::string &) {
       o.noBiasCorrection = true;
       return true;
     }},

    {nullptr, nullptr,
     "NLCG (trainc --optimizer nlcg; docs/optimizers.md has the rule)",
     nullptr},
    {"--nlcg-rule", "RULE",
     "beta: fr (Fletcher-Reeves), pr (Polak-Ribiere), pr+, hs (Hestenes-Stiefel) or dy (Dai-Yuan), preconditioned. Default: fr",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.nlcgRule = v;
       return true;
     }},
    {"--no-beta-clip", nullptr,
     "do not clip beta to [0, 1]",
     [](TrainOptions &o, const std::string &, const std::string &,
        std::string &) {
       o.noBetaClip = true;
       return true;
     }},
    {"--nlcg-restart-every", "N",
     "restart (beta = 0) every N steps. Default: 0 (never)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseInteger(n, v, 0, o.nlcgRestartEvery, e); }},
    {"--nlcg-powell", "NU",
     "Powell's restart test |G'g_prev| >= NU G'G (0.2 is Powell's). Default: 0 (off)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.nlcgPowell, e); }},
    {"--nlcg-preconditioner", "NAME",
     "bfgs (the diagonal quasi-Newton estimate) or none. Default: bfgs",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.nlcgPreconditioner = v;
       return true;
     }},
    {"--nlcg-precond-reset", "N",
     "reset the preconditioner every N steps. Default: 0 (never)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseInteger(n, v, 0, o.nlcgPrecondReset, e); }},
    {"--nlcg-s", "WHICH",
     "s of the preconditioner update: step (w_t - w_{t-1}) or code (the authors' eta_t alpha_{t-1} d_{t-1}). Default: step",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.nlcgS = v;
       return true;
     }},
    {"--line-search", "MODE",
     "the loss-driven step multiplier: step (every --line-search-period steps on the loss average), online (every step), brief (the 2% / 1% / 2.5% rule) or off. Default: step",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.lineSearch = v;
       return true;
     }},
    {"--line-search-period", "K",
     "steps between line-search decisions (step, brief). Default: 5",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseInteger(n, v, 1, o.lineSearchPeriod, e); }},
    {"--line-search-threshold", "T",
     "the table's rises are in units of T percent. Default: 1",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.lineSearchThreshold, e); }},
    {"--layer-scale", "LAMBDA",
     "scale each layer's gradient by LAMBDA |w| / (|G| + 1e-8 + 0.1 LAMBDA |w|) first (N13). Default: 0 (off)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.layerScale, e); }},

    {nullptr, nullptr, "Learning-rate schedule", nullptr},
    {"--lr-schedule", "NAME",
     "constant; step: lr * gamma^k after k --lr-milestones (torch's "
     "MultiStepLR); cosine: END + (lr - END) * (1 + cos(pi * step / steps)) "
     "/ 2 (torch's CosineAnnealingLR); polynomial: END + (lr - END) * (1 - "
     "step / steps)^P (TensorFlow's polynomial_decay). Default: constant",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       if (v != "constant" && v != "step" && v != "cosine" &&
           v != "polynomial") {
         e = n + ": expected 'constant', 'step', 'cosine' or 'polynomial', "
                 "got '" + v + "'";
         return false;
       }
       o.lrSchedule = v;
       return true;
     }},
    {"--lr-milestones", "E1,E2,...",
     "with --lr-schedule step: increasing epochs (may be fractional) at "
     "which the rate is multiplied by --lr-gamma",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseMilestones(n, v, o.lrMilestones, e); }},
    {"--lr-gamma", "G",
     "the factor at each of --lr-milestones. Default: 0.1",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.lrGamma, e); }},
    {"--lr-power", "P",
     "the exponent of --lr-schedule polynomial. Default: 1",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.lrPower, e); }},
    {"--lr-end", "LR",
     "the rate at the last step of cosine and polynomial. Default: 0",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.lrEnd, e); }},
    {"--warmup-steps", "N",
     "raise the learning rate linearly from --warmup-start-lr to the "
     "schedule's over the first N steps (Goyal et al.). Default: 0",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       return parseInteger(n, v, 0, o.warmupSteps, e);
     }},
    {"--warmup-epochs", "E",
     "like --warmup-steps, in epochs (may be fractional; rounded to steps)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.warmupEpochs, e); }},
    {"--warmup-start-lr", "LR",
     "the rate the warm-up starts from. Default: 0",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseFloat(n, v, 0.0, o.warmupStartLr, e); }},

    {nullptr, nullptr, "Other training options", nullptr},
    {"--seed", "S",
     "seed of the per-epoch shuffle, of synthetic data and of --init. "
     "Default: 0",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseUnsigned64(n, v, o.seed, e); }},
    {"--init", "kaiming",
     "train from scratch: convolution weights He-normal (fan out), linear "
     "weights uniform in +-1/sqrt(in), BatchNorm scale 1 and shift 0, "
     "running statistics 0 and 1, biases 0, drawn from --seed (the same "
     "bits on every target). Default: the weights compiled in, which an "
     "executable built with trainc --weights=none does not have",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       if (v != "kaiming") {
         e = n + ": expected 'kaiming', got '" + v + "'";
         return false;
       }
       o.init = v;
       return true;
     }},

    {nullptr, nullptr, "Execution", nullptr},
    {"--threads", "N",
     "OpenMP threads of the kernels. Default: the cores this process may "
     "run on, divided by OMPI_COMM_WORLD_LOCAL_SIZE when mpirun sets it",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       int64_t value;
       if (!parseInteger(n, v, 1, value, e))
         return false;
       if (value > 65536) {
         e = "option '" + n + "' expects at most 65536 threads, got '" + v +
             "'";
         return false;
       }
       o.threads = static_cast<int>(value);
       return true;
     }},
    {"--device", "N",
     "The GPU of an executable compiled with --target=cuda (0-based, as "
     "CUDA numbers them). Default: the local rank under mpirun "
     "(OMPI_COMM_WORLD_LOCAL_RANK), else 0",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       int64_t value;
       if (!parseInteger(n, v, 0, value, e))
         return false;
       if (value > 1023) {
         e = "option '" + n + "' expects a device number below 1024, got '" +
             v + "'";
         return false;
       }
       o.device = static_cast<int>(value);
       return true;
     }},
    {"--collective-timeout", "SECONDS",
     "a collective of a data-parallel run (a gradient bucket's all-reduce, "
     "the loss, synchronised BatchNorm's sums, the checks between steps) "
     "that has not completed after SECONDS ends the job with a line naming "
     "it (a rank stopped, or a link is down). Default: 300",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       if (!parseFloat(n, v, 0.0, o.collectiveTimeout, e))
         return false;
       if (o.collectiveTimeout < 0.01f || o.collectiveTimeout > 86400.0f) {
         e = "option '" + n + "' expects 0.01 to 86400 seconds, got '" + v +
             "'";
         return false;
       }
       return true;
     }},
    {"--consistency-check-every", "N",
     "every N steps of a data-parallel run the ranks compare a hash of one "
     "gradient bucket's parameters (the buckets in turn): ranks that "
     "diverged end the job, named. 0: only the full check at the end. "
     "Default: 100",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       return parseInteger(n, v, 0, o.consistencyCheckEvery, e);
     }},

    {nullptr, nullptr, "Output", nullptr},
    {"--log", "FILE.jsonl",
     "write one JSON object per step and per evaluation (overwrites FILE)",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.logPath = v;
       return true;
     }},
    {"--tensorboard", "DIR",
     "write TensorBoard event files to DIR (created), flushed after every "
     "step (rank 0): train/loss, train/learning_rate, train/batch_size, "
     "train/images_per_second, train/comm_wait_seconds (under mpirun), "
     "train/noise_scale (when measured), train/skipped_steps, test/accuracy "
     "and test/loss",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.tensorboardDir = v;
       return true;
     }},
    {"--quiet", nullptr, "no progress on stderr (errors are still reported)",
     [](TrainOptions &o, const std::string &, const std::string &,
        std::string &) {
       o.quiet = true;
       return true;
     }},
    {"--dump-grads", "DIR",
     "after the last step, write its gradients to DIR, one NAME.npy per "
     "parameter ('/' in an ONNX name becomes '_')",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.dumpGradsDir = v;
       return true;
     }},
    {"--dump-params", "DIR",
     "at the end, write every parameter and buffer (BatchNorm running "
     "statistics) to DIR, one NAME.npy each",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.dumpParamsDir = v;
       return true;
     }},

    {nullptr, nullptr, "Checkpoints", nullptr},
    {"--checkpoint", "FILE",
     "write a checkpoint to FILE at the end of the run (atomically: a "
     "temporary file, fsync, rename)",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.checkpointPath = v;
       return true;
     }},
    {"--checkpoint-every", "N", "also write the checkpoint every N steps",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       return parseInteger(n, v, 1, o.checkpointEvery, e);
     }},
    {"--keep-checkpoints", "N",
     "keep the N latest checkpoints: each write moves the previous FILE to "
     "FILE.1, FILE.1 to FILE.2 and so on (default 1: only FILE)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       if (!parseInteger(n, v, 1, o.keepCheckpoints, e))
         return false;
       if (o.keepCheckpoints > 1000) {
         e = "option '" + n + "' expects at most 1000, got '" + v + "'";
         return false;
       }
       return true;
     }},
    {"--on-nonfinite", "ACTION",
     "when a step's loss or gradient is NaN or infinite (checked on the "
     "finished gradient by the update's own pass; the same verdict on "
     "every rank): stop (default: end the run before anything of that step "
     "is saved, naming the step, the first bucket and parameter affected "
     "and the last good checkpoint) or skip (leave parameters and "
     "optimizer state as they were, log the step as skipped and go on; the "
     "update then waits for the whole step's check, one more pass over the "
     "gradients)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) {
       if (v != "stop" && v != "skip") {
         e = "option '" + n + "' expects stop or skip, got '" + v + "'";
         return false;
       }
       o.skipNonfinite = v == "skip";
       return true;
     }},
    {"--max-skipped", "N",
     "with --on-nonfinite skip, stop as stop does at the (N+1)-th skipped "
     "step of the run (default 10)",
     [](TrainOptions &o, const std::string &n, const std::string &v,
        std::string &e) { return parseInteger(n, v, 0, o.maxSkipped, e); }},
    {"--resume", "FILE",
     "continue the run saved in FILE exactly as if it had not stopped "
     "(given the same data and flags; --seed defaults to the saved one). "
     "A FILE that is missing, truncated or corrupt falls back, with a "
     "warning, to the newest good one of FILE.1, FILE.2, ... "
     "(--keep-checkpoints)",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.resumePath = v;
       return true;
     }},

    {"--save-onnx", "FILE",
     "at the end, write the trained model to FILE as an inference-form ONNX "
     "model (BatchNormalization with the running statistics; atomically). "
     "With --resume and no steps left it converts a checkpoint",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.saveOnnxPath = v;
       return true;
     }},

    {nullptr, nullptr, "Inference", nullptr},
    {"--forward-only", nullptr,
     "run the model on --input instead of training (with the parameters of "
     "--resume FILE if given, else the initial ones)",
     [](TrainOptions &o, const std::string &, const std::string &,
        std::string &) {
       o.forwardOnly = true;
       return true;
     }},
    {"--input", "X.npy",
     "float32 [M, C, H, W] samples for --forward-only; M need not be a "
     "multiple of the batch",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.inputPath = v;
       return true;
     }},
    {"--output", "Y.npy",
     "where --forward-only writes the float32 "
     "[M, classes] logits",
     [](TrainOptions &o, const std::string &, const std::string &v,
        std::string &) {
       o.outputPath = v;
       return true;
     }},

    {nullptr, nullptr, "", nullptr},
    {"--help", nullptr, "print this help and exit",
     [](TrainOptions &o, const std::string &, const std::string &,
        std::string &) {
       o.help = true;
       return true;
     }},
};

const OptionSpec *findOption(const std::string &name) {
  for (const OptionSpec &spec : kOptions)
    if (spec.name && name == spec.name)
      return &spec;
  return nullptr;
}

} // namespace

ScheduleOptions scheduleOptions(const TrainOptions &options,
                                int64_t stepsPerEpoch) {
  ScheduleOptions s;
  s.kind = options.lrSchedule;
  s.lr = options.lr;
  s.milestones = options.lrMilestones;
  s.gamma = options.lrGamma;
  s.power = options.lrPower;
  s.endLr = options.lrEnd;
  s.warmupSteps =
      options.warmupEpochs > 0
          ? std::max<int64_t>(1, std::llround(double(options.warmupEpochs) *
                                              double(stepsPerEpoch)))
          : options.warmupSteps;
  s.warmupStartLr = options.warmupStartLr;
  return s;
}

namespace {

/// Combinations the table cannot check one flag at a time.
bool checkCombinations(const TrainOptions &options, std::string &error) {
  auto given = [&](const char *flag) { return options.given.count(flag) > 0; };
  if (given("--warmup-steps") && given("--warmup-epochs")) {
    error = "--warmup-steps and --warmup-epochs cannot be used together";
    return false;
  }
  if (given("--warmup-start-lr") && !given("--warmup-steps") &&
      !given("--warmup-epochs")) {
    error = "--warmup-start-lr needs --warmup-steps or --warmup-epochs";
    return false;
  }
  if (!validateSchedule(scheduleOptions(options), error))
    return false;
  if (options.given.count("--max-skipped") && !options.skipNonfinite) {
    error = "--max-skipped needs --on-nonfinite skip";
    return false;
  }
  for (const char *flag : {"--checkpoint-every", "--keep-checkpoints"}) {
    if (given(flag) && options.checkpointPath.empty()) {
      error = std::string(flag) + " needs --checkpoint FILE";
      return false;
    }
  }
  if (!options.forwardOnly) {
    for (const char *flag : {"--input", "--output"}) {
      if (given(flag)) {
        error = std::string(flag) + " needs --forward-only";
        return false;
      }
    }
    return true;
  }
  for (const char *flag :
       {"--data", "--steps", "--epochs", "--lr", "--momentum", "--dampening",
        "--weight-decay", "--weight-decay-bn-bias", "--beta1", "--beta2",
        "--eps", "--alpha", "--centered", "--lr-decay",
        "--trust-coefficient", "--no-bias-correction", "--nlcg-rule",
        "--no-beta-clip", "--nlcg-restart-every", "--nlcg-powell",
        "--nlcg-preconditioner", "--nlcg-precond-reset", "--nlcg-s",
        "--line-search", "--line-search-period", "--line-search-threshold",
        "--layer-scale", "--lr-schedule",
        "--lr-milestones", "--lr-gamma", "--lr-power", "--lr-end",
        "--warmup-steps", "--warmup-epochs", "--warmup-start-lr", "--seed",
        "--log", "--dump-grads", "--checkpoint", "--checkpoint-every",
        "--keep-checkpoints",
        "--save-onnx", "--init", "--consistency-check-every", "--accumulate",
        "--no-noise-scale", "--batch-schedule", "--max-batch",
        "--lr-scaling", "--eval-every", "--stop-at-accuracy",
        "--stop-at-loss", "--on-nonfinite", "--max-skipped",
        "--tensorboard"}) {
    if (given(flag)) {
      error = std::string(flag) + " cannot be used with --forward-only";
      return false;
    }
  }
  if (options.inputPath.empty() || options.outputPath.empty()) {
    error = "--forward-only needs --input X.npy and --output Y.npy";
    return false;
  }
  return true;
}

/// Wraps `text` at 72 columns, each line indented by `indent`.
std::string wrap(const std::string &text, size_t indent) {
  std::string out, line;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t space = text.find(' ', pos);
    std::string word = text.substr(
        pos, space == std::string::npos ? std::string::npos : space - pos);
    pos = space == std::string::npos ? text.size() : space + 1;
    if (!line.empty() && indent + line.size() + 1 + word.size() > 79) {
      out += std::string(indent, ' ') + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty())
    out += std::string(indent, ' ') + line + "\n";
  return out;
}

} // namespace

std::optional<TrainOptions> parseOptions(int argc, const char *const *argv,
                                         std::string &error) {
  TrainOptions options;
  for (int i = 1; i < argc; ++i) {
    std::string argument = argv[i];
    if (argument == "-h")
      argument = "--help";
    if (argument.rfind("--", 0) != 0) {
      error = "unexpected argument '" + argument +
              "' (options start with --; see --help)";
      return std::nullopt;
    }
    size_t equals = argument.find('=');
    std::string name = argument.substr(0, equals);
    const OptionSpec *spec = findOption(name);
    if (!spec) {
      error = "unknown option '" + name + "' (see --help)";
      return std::nullopt;
    }
    std::string value;
    if (!spec->metavar) {
      if (equals != std::string::npos) {
        error = "option '" + name + "' takes no value";
        return std::nullopt;
      }
    } else if (equals != std::string::npos) {
      value = argument.substr(equals + 1);
    } else if (i + 1 < argc && std::string(argv[i + 1]).rfind("--", 0) != 0) {
      value = argv[++i];
    } else {
      error = "option '" + name + "' needs a value (" + name + " " +
              spec->metavar + ")";
      return std::nullopt;
    }
    if (spec->metavar && value.empty()) {
      error = "option '" + name + "' needs a value (" + name + " " +
              spec->metavar + ")";
      return std::nullopt;
    }
    if (!spec->apply(options, name, value, error))
      return std::nullopt;
    options.given.insert(name);
    if (options.help)
      return options;
  }
  if (!checkCombinations(options, error))
    return std::nullopt;
  return options;
}

std::string helpText(const std::string &program) {
  std::string text =
      "Usage: " + program +
      " [options]\n"
      "       " +
      program + " --forward-only --input X.npy --output Y.npy [options]\n\n" +
      wrap("Trains the model compiled into this executable with its "
           "optimizer, "
           "evaluating test accuracy after every epoch, or runs it on "
           "inputs. Each epoch takes full batches of a new shuffle of the "
           "training data (the remainder is dropped). Options take their "
           "value as '--flag VALUE' or '--flag=VALUE'. Errors end the run "
           "with one line on stderr and exit status 1.",
           0);
  for (const OptionSpec &spec : kOptions) {
    if (!spec.name) {
      text += std::string("\n") + (*spec.help ? spec.help : "Other") + ":\n";
      continue;
    }
    std::string head = std::string("  ") + spec.name;
    if (spec.metavar)
      head += std::string(" ") + spec.metavar;
    text += head + "\n" + wrap(spec.help, 6);
  }
  return text;
}

std::vector<std::string> optionNames() {
  std::vector<std::string> names;
  for (const OptionSpec &spec : kOptions)
    if (spec.name)
      names.push_back(spec.name);
  return names;
}

} // namespace trainc::rt
