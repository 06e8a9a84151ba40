//===- OptionsTest.cpp - the training executable's command line -----------===//

#include "train/Options.h"

#include <gtest/gtest.h>

using namespace trainc::rt;

namespace {

std::optional<TrainOptions> parse(std::vector<const char *> arguments,
                                  std::string &error) {
  arguments.insert(arguments.begin(), "train");
  return parseOptions(static_cast<int>(arguments.size()), arguments.data(),
                      error);
}

TrainOptions parseOk(std::vector<const char *> arguments) {
  std::string error;
  std::optional<TrainOptions> options = parse(arguments, error);
  EXPECT_TRUE(options) << error;
  return options ? *options : TrainOptions();
}

std::string parseError(std::vector<const char *> arguments) {
  std::string error;
  std::optional<TrainOptions> options = parse(arguments, error);
  EXPECT_FALSE(options) << "expected an error";
  return error;
}

TEST(OptionsTest, DefaultsAreTheDocumentedOnes) {
  TrainOptions options = parseOk({});
  EXPECT_EQ(options.data, "fashion-mnist");
  EXPECT_FALSE(options.steps);
  EXPECT_FALSE(options.epochs); // the trainer reads "neither" as 1 epoch
  EXPECT_EQ(options.lr, 0.1f);
  EXPECT_EQ(options.momentum, 0.9f);
  EXPECT_EQ(options.dampening, 0.0f);
  EXPECT_EQ(options.weightDecay, 0.0f);
  EXPECT_EQ(options.lrSchedule, "constant");
  EXPECT_FALSE(options.weightDecayBnBias);
  EXPECT_EQ(options.seed, 0u);
  EXPECT_EQ(options.threads, 0);
  EXPECT_EQ(options.checkpointEvery, 0);
  EXPECT_FALSE(options.forwardOnly);
  EXPECT_FALSE(options.help);
  EXPECT_TRUE(options.given.empty());
}

TEST(OptionsTest, EveryValueIsParsed) {
  TrainOptions options = parseOk({"--data",
                                  "synthetic:64,32",
                                  "--steps",
                                  "7",
                                  "--epochs=3",
                                  "--lr",
                                  "0.05",
                                  "--momentum",
                                  "0.5",
                                  "--beta1",
                                  "0.8",
                                  "--beta2",
                                  "0.99",
                                  "--eps",
                                  "1e-6",
                                  "--alpha",
                                  "0.95",
                                  "--centered",
                                  "--lr-decay",
                                  "0.25",
                                  "--trust-coefficient",
                                  "0.02",
                                  "--no-bias-correction",
                                  "--lr-schedule",
                                  "step",
                                  "--lr-milestones",
                                  "2,4.5",
                                  "--lr-gamma",
                                  "0.5",
                                  "--warmup-epochs",
                                  "0.5",
                                  "--warmup-start-lr",
                                  "0.01",
                                  "--weight-decay",
                                  "1e-4",
                                  "--weight-decay-bn-bias",
                                  "--seed",
                                  "18446744073709551615",
                                  "--threads",
                                  "3",
                                  "--log",
                                  "run.jsonl",
                                  "--quiet",
                                  "--dump-grads",
                                  "g",
                                  "--dump-params",
                                  "p",
                                  "--checkpoint",
                                  "c.ckpt",
                                  "--checkpoint-every",
                                  "5",
                                  "--resume",
                                  "r.ckpt"});
  EXPECT_EQ(options.data, "synthetic:64,32");
  EXPECT_EQ(options.steps, 7);
  EXPECT_EQ(options.epochs, 3);
  EXPECT_EQ(options.lr, 0.05f);
  EXPECT_EQ(options.momentum, 0.5f);
  EXPECT_EQ(options.beta1, 0.8f);
  EXPECT_EQ(options.beta2, 0.99f);
  EXPECT_EQ(options.eps, 1e-6f);
  EXPECT_EQ(options.alpha, 0.95f);
  EXPECT_TRUE(options.centered);
  EXPECT_EQ(options.lrDecay, 0.25f);
  EXPECT_EQ(options.trustCoefficient, 0.02f);
  EXPECT_TRUE(options.noBiasCorrection);
  EXPECT_EQ(options.lrSchedule, "step");
  EXPECT_EQ(options.lrMilestones, (std::vector<double>{2, 4.5}));
  EXPECT_EQ(options.lrGamma, 0.5f);
  EXPECT_EQ(options.warmupEpochs, 0.5f);
  EXPECT_EQ(options.warmupStartLr, 0.01f);
  EXPECT_EQ(options.weightDecay, 1e-4f);
  EXPECT_TRUE(options.weightDecayBnBias);
  EXPECT_EQ(options.seed, 18446744073709551615ull);
  EXPECT_EQ(options.threads, 3);
  EXPECT_EQ(options.logPath, "run.jsonl");
  EXPECT_TRUE(options.quiet);
  EXPECT_EQ(options.dumpGradsDir, "g");
  EXPECT_EQ(options.dumpParamsDir, "p");
  EXPECT_EQ(options.checkpointPath, "c.ckpt");
  EXPECT_EQ(options.checkpointEvery, 5);
  EXPECT_EQ(options.resumePath, "r.ckpt");
  EXPECT_EQ(options.given.count("--epochs"), 1u);
  EXPECT_EQ(options.given.count("--seed"), 1u);
}

TEST(OptionsTest, DampeningMayBeNegativeAndForwardOnlyParses) {
  EXPECT_EQ(parseOk({"--dampening", "-0.5"}).dampening, -0.5f);
  TrainOptions options = parseOk({"--forward-only", "--input", "x.npy",
                                  "--output=y.npy", "--resume", "c.ckpt"});
  EXPECT_TRUE(options.forwardOnly);
  EXPECT_EQ(options.inputPath, "x.npy");
  EXPECT_EQ(options.outputPath, "y.npy");
}

TEST(OptionsTest, HelpStopsParsingAndDocumentsEveryFlag) {
  EXPECT_TRUE(parseOk({"--help"}).help);
  EXPECT_TRUE(parseOk({"-h", "--bogus"}).help);
  std::string help = helpText("train");
  for (const std::string &name : optionNames())
    EXPECT_NE(help.find("  " + name), std::string::npos)
        << name << " is missing from --help";
  EXPECT_GE(optionNames().size(), 22u);
}

TEST(OptionsTest, BadCommandLinesHaveOneLineErrors) {
  EXPECT_EQ(parseError({"--bogus"}), "unknown option '--bogus' (see --help)");
  EXPECT_EQ(parseError({"--bogus=3"}), "unknown option '--bogus' (see --help)");
  EXPECT_EQ(parseError({"model.onnx"}),
            "unexpected argument 'model.onnx' (options start with --; see "
            "--help)");
  EXPECT_EQ(parseError({"--lr"}), "option '--lr' needs a value (--lr LR)");
  EXPECT_EQ(parseError({"--log", "--quiet"}),
            "option '--log' needs a value (--log FILE.jsonl)");
  EXPECT_EQ(parseError({"--data="}),
            "option '--data' needs a value (--data SPEC)");
  EXPECT_EQ(parseError({"--centered=1"}), "option '--centered' takes no value");
  EXPECT_EQ(parseError({"--lr", "fast"}),
            "option '--lr' expects a finite number, got 'fast'");
  EXPECT_EQ(parseError({"--lr", "0.1x"}),
            "option '--lr' expects a finite number, got '0.1x'");
  EXPECT_EQ(parseError({"--lr", "nan"}),
            "option '--lr' expects a finite number, got 'nan'");
  EXPECT_EQ(parseError({"--momentum", "1e300"}),
            "option '--momentum' expects a finite number, got '1e300'");
  EXPECT_EQ(parseError({"--lr", "-1"}), "option '--lr' must be >= 0, got '-1'");
  EXPECT_EQ(parseError({"--weight-decay", "-0.1"}),
            "option '--weight-decay' must be >= 0, got '-0.1'");
  EXPECT_EQ(parseError({"--steps", "0"}),
            "option '--steps' expects an integer >= 1, got '0'");
  EXPECT_EQ(parseError({"--epochs", "1.5"}),
            "option '--epochs' expects an integer >= 1, got '1.5'");
  EXPECT_EQ(parseError({"--steps", "-3"}),
            "option '--steps' expects an integer >= 1, got '-3'");
  EXPECT_EQ(parseError({"--threads", "0"}),
            "option '--threads' expects an integer >= 1, got '0'");
  EXPECT_EQ(parseError({"--threads", "100000"}),
            "option '--threads' expects at most 65536 threads, got '100000'");
  EXPECT_EQ(parseError({"--seed", "18446744073709551616"}),
            "option '--seed' expects an integer in [0, 2^64), got "
            "'18446744073709551616'");
  EXPECT_EQ(parseError({"--seed", "-1"}),
            "option '--seed' expects an integer in [0, 2^64), got '-1'");
}

TEST(OptionsTest, CombinationsAreChecked) {
  EXPECT_EQ(parseError({"--warmup-steps", "3", "--warmup-epochs", "1"}),
            "--warmup-steps and --warmup-epochs cannot be used together");
  EXPECT_EQ(parseError({"--warmup-start-lr", "0.01"}),
            "--warmup-start-lr needs --warmup-steps or --warmup-epochs");
  EXPECT_EQ(parseError({"--lr-schedule", "step"}),
            "--lr-schedule step needs --lr-milestones E1,E2,...");
  EXPECT_EQ(parseError({"--lr-milestones", "3,2"}),
            "--lr-milestones: expected increasing epochs > 0, got '3,2'");
  EXPECT_EQ(parseError({"--lr-schedule", "linear"}),
            "--lr-schedule: expected 'constant', 'step', 'cosine' or "
            "'polynomial', got 'linear'");
  EXPECT_EQ(parseError({"--checkpoint-every", "10"}),
            "--checkpoint-every needs --checkpoint FILE");
  EXPECT_EQ(parseError({"--input", "x.npy"}), "--input needs --forward-only");
  EXPECT_EQ(parseError({"--output", "y.npy"}), "--output needs --forward-only");
  EXPECT_EQ(parseError({"--forward-only", "--input", "x.npy"}),
            "--forward-only needs --input X.npy and --output Y.npy");
  EXPECT_EQ(parseError({"--forward-only", "--input", "x.npy", "--output",
                        "y.npy", "--steps", "3"}),
            "--steps cannot be used with --forward-only");
  EXPECT_EQ(parseError({"--forward-only", "--input", "x.npy", "--output",
                        "y.npy", "--checkpoint", "c"}),
            "--checkpoint cannot be used with --forward-only");
}

TEST(OptionsTest, LastValueWins) {
  TrainOptions options = parseOk({"--lr", "0.5", "--lr=0.25"});
  EXPECT_EQ(options.lr, 0.25f);
}

} // namespace
