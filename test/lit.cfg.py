# -*- Python -*-
import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config

config.name = "trainc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".onnxtext", ".test"]
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "unit", "lib",
                   "Inputs", "bench"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.trainc_obj_root, "test")

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.trainc_tools_dir, append_path=True)
# `lit -Dtrainc_cpu=x86-64` compiles every test's code for that CPU instead of
# the host's, and `-Donednn_isa=AVX2` caps oneDNN's instruction set: the
# numeric tests must hold on any x86-64 (docs/verification.md).
# A wrapper stands in for trainc so that scripts given `--trainc PATH` get
# the CPU too.
trainc_cpu = lit_config.params.get("trainc_cpu")
tools_dir = config.trainc_tools_dir
if trainc_cpu:
    tools_dir = os.path.join(config.test_exec_root, "trainc-cpu-" + trainc_cpu)
    os.makedirs(tools_dir, exist_ok=True)
    for tool in ("trainc", "trainc-opt", "trainc-mock-train"):
        wrapper = os.path.join(tools_dir, tool)
        extra = ' "--cpu=%s"' % trainc_cpu if tool == "trainc" else ""
        with open(wrapper, "w") as f:
            f.write('#!/bin/sh\nexec "%s"%s "$@"\n' % (
                os.path.join(config.trainc_tools_dir, tool), extra))
        os.chmod(wrapper, 0o755)
llvm_config.add_tool_substitutions(["trainc", "trainc-opt",
                                    "trainc-mock-train"], [tools_dir])
if lit_config.params.get("onednn_isa"):
    config.environment["ONEDNN_MAX_CPU_ISA"] = lit_config.params["onednn_isa"]
config.substitutions.append(("%python", config.python3))
config.substitutions.append(("%scripts", os.path.join(config.trainc_src_root,
                                                      "scripts")))
config.substitutions.append(("%trainc_tools", config.trainc_tools_dir))
config.substitutions.append(("%trainc_obj_root", config.trainc_obj_root))
config.substitutions.append(("%models", os.path.join(config.trainc_src_root,
                                                     "models")))
config.substitutions.append(("%inputs", os.path.join(config.test_source_root,
                                                     "Inputs")))

# What links an object from `trainc --emit=obj` with the step harness
# (test/numerics) instead of the runtime's main: `c++ %t.o %harness_libs`.
config.substitutions.append(("%harness_libs", " ".join([
    "%s/libtrainc_step_harness.a" % config.trainc_lib_dir,
    "%s/libtrainc_runtime.a" % config.trainc_lib_dir,
    config.trainc_dnnl_link_libs, "-lz -lpthread -lm -fopenmp",
    config.trainc_mpi_link_libs,
    config.trainc_runtime_link_flags])))
if config.trainc_build_runtime:
    config.available_features.add("runtime")

# The CUDA target's PTX tests need the toolkit trainc was built with (its
# libdevice) and its ptxas; without one they are UNSUPPORTED.
ptxas = os.path.join(config.cuda_toolkit, "bin", "ptxas")
if config.cuda_toolkit and os.path.exists(ptxas):
    config.available_features.add("cuda-toolkit")
    config.substitutions.append(("%ptxas", ptxas))
# CUDA executables need the CUDA runtime (cuDNN and cuBLAS found at build
# time); they start here and stop in one line (no GPU). The toolkit's
# driver stub lets a test reach cuInit.
# A machine with a CUDA driver runs them instead (cuda-driver).
import ctypes
try:
    ctypes.CDLL("libcuda.so.1")
    config.available_features.add("cuda-driver")
except OSError:
    pass
if config.cuda_toolkit and config.cuda_runtime:
    config.available_features.add("cuda-runtime")
    config.substitutions.append(
        ("%cuda_stubs", os.path.join(config.cuda_toolkit, "lib64", "stubs")))

# Data-parallel tests run under Open MPI's mpirun: as root it needs the two
# ALLOW variables, and --oversubscribe for more ranks than cores.
if shutil.which("mpirun"):
    config.available_features.add("mpi")
# Under the sanitizers, LeakSanitizer is off for the ranks: Open MPI leaves
# allocations behind at MPI_Finalize, in plugins it has unloaded by then (so
# no suppression can name them). Our own code is leak-checked by the
# single-process runs of the same paths.
mpi_env = "env OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
if config.trainc_sanitize:
    mpi_env += "ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 "
config.substitutions.append(("%mpirun", mpi_env + "mpirun --oversubscribe"))

# Debian's Python packages (onnx, numpy, torch) belong to /usr/bin/python3.
def has_module(name):
    return subprocess.run([config.python3, "-c", "import " + name],
                          capture_output=True).returncode == 0

for module in ("onnx", "torch", "torchvision", "matplotlib"):
    if has_module(module):
        config.available_features.add("py-" + module)
if config.trainc_sanitize:
    config.available_features.add("sanitizers")
config.environment["ASAN_OPTIONS"] = "detect_leaks=1:abort_on_error=0"
config.environment["UBSAN_OPTIONS"] = "print_stacktrace=1:halt_on_error=1"
