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
  EXPECT_FALSE(options.nesterov);
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
                                  "--nesterov",
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
  EXPECT_TRUE(options.nesterov);
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
  EXPECT_EQ(parseError({"--nesterov=1"}), "option '--nesterov' takes no value");
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
  EXPECT_EQ(parseError({"--nesterov", "--momentum", "0"}),
            "--nesterov needs --momentum > 0 and --dampening 0 (as "
            "torch.optim.SGD)");
  EXPECT_EQ(parseError({"--nesterov", "--dampening", "0.1"}),
            "--nesterov needs --momentum > 0 and --dampening 0 (as "
            "torch.optim.SGD)");
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
