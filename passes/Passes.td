//===- Passes.td - trainc passes ----------------------------*- tablegen -*-===//

#ifndef TRAINC_PASSES
#define TRAINC_PASSES

include "mlir/Pass/PassBase.td"

def PrepareTrainingPass : Pass<"train-prepare-training", "::mlir::ModuleOp"> {
  let summary = "Turn the imported forward graph into a loss function";
  let description = [{
    From the imported `@forward`, builds `@forward_loss`: the same graph with
    every BatchNorm in training form (batch statistics, running statistics
    updated), the mean softmax cross-entropy of the first output (the logits,
    `[N, classes]`) against a new integer labels argument (`train.labels`),
    returning the loss (`train.loss`) and the updated running statistics
    (`train.buffer_update = "name"`). `@forward` itself becomes the inference
    function: every BatchNorm in inference form, using the running
    statistics.
  }];
  let options = [
    Option<"labelSmoothing", "label-smoothing", "float", "0.0f",
           "Label smoothing of the cross-entropy, in [0, 1]">,
    Option<"bnMomentum", "bn-momentum", "float", "0.9f",
           "ONNX-convention momentum (weight of the old running value) for "
           "BatchNorms imported in inference form">,
  ];
  let dependentDialects = ["::mlir::train::TrainDialect",
                           "::mlir::func::FuncDialect"];
}

def AutodiffPass : Pass<"train-autodiff", "::mlir::ModuleOp"> {
  let summary = "Reverse-mode differentiation of @forward_loss into @train_step";
  let description = [{
    Replaces `@forward_loss` with `@train_step`: the forward graph followed by
    its backward graph, built by walking the ops in reverse and calling each
    op's reverse-mode rule (`VJPOpInterface`). Cotangents of values used more
    than once are summed (`train.add`, the residual connections). Only values
    that depend on a parameter get a cotangent, so no gradient is computed
    for the input images. `@train_step` returns the loss, one gradient per
    parameter in argument order (`train.grad = "name"`; zeros for a parameter
    the loss does not depend on), then the buffer updates.
  }];
  let dependentDialects = ["::mlir::train::TrainDialect"];
}

def DataParallelPass : Pass<"train-data-parallel", "::mlir::ModuleOp"> {
  let summary = "Make @train_step compute the step of the global batch";
  let description = [{
    Every rank runs `@train_step` on its own share of the global batch
    (world x the compiled batch). This pass makes the step's results those
    of the global batch: the loss and every gradient become the mean over
    ranks of the per-rank values (`train.all_reduce mean`, placed right
    before the return), which, with equal shards, is the loss and gradient
    of the global batch (OPTIMIZERS.md I1); the learning rate therefore
    refers to the global batch. With `sync-bn`, every training-form
    BatchNorm and its backward get `sync`: the statistics are those of the
    global batch (I5). Without it each rank normalises over its own samples,
    as Goyal et al. do (I4). With `allreduce-dtype` fp16 or bf16 the
    gradients' all-reduces are marked `as f16` / `as bf16`: they travel
    compressed (half the bytes), the loss stays f32. With one process every
    all-reduce is the identity, so the same executable runs with or without
    mpirun (and nothing is compressed).
  }];
  let options = [
    Option<"syncBatchNorm", "sync-bn", "bool", "false",
           "BatchNorm statistics over the global batch (all-reduced sums)">,
    Option<"allreduceDtype", "allreduce-dtype", "std::string", "\"f32\"",
           "The type gradients travel in: f32, fp16 or bf16">,
  ];
  let dependentDialects = ["::mlir::train::TrainDialect"];
}

def BucketGradientsPass : Pass<"train-bucket-gradients", "::mlir::ModuleOp"> {
  let summary = "Group gradients into all-reduce buckets in backward order";
  let description = [{
    Orders the parameters of `@train_step` by when backward finishes their
    gradient (the position of the op that produces the returned gradient)
    and cuts that order into buckets: the first holds up to
    `first-bucket-bytes`, every later one up to `bucket-cap-bytes` (sizes
    with each tensor 64-byte aligned; a tensor larger than the cap is a
    bucket of its own). The plan is the module attribute `train.buckets`,
    `[{params = ["name", ...], bytes = N}, ...]`, bucket 0 first: a
    compile-time fact, identical on every rank. train-plan-memory lays the
    parameter, gradient and optimizer-state arenas out bucket by bucket, so
    that each bucket is one contiguous range of each arena and every
    gradient is born in its bucket.
  }];
  let options = [
    Option<"bucketCapBytes", "bucket-cap-bytes", "int64_t",
           "25 * 1024 * 1024", "Largest bucket, in bytes">,
    Option<"firstBucketBytes", "first-bucket-bytes", "int64_t",
           "1024 * 1024", "Largest first bucket, in bytes">,
  ];
}

def PlanMemoryPass : Pass<"train-plan-memory", "::mlir::ModuleOp"> {
  let summary = "Static arenas with liveness-based reuse";
  let description = [{
    Gives every tensor of every step function a home, known at compile time.
    Parameters and buffers get fixed byte offsets (`train.offset` on their
    arguments), shared by all functions: parameters bucket by bucket in the
    order of `train.buckets` when the module has it (each bucket then gets
    its `offset` and `bytes` extent), otherwise in the argument order of
    `@forward`, like buffers; gradients use the parameters' offsets in a gradient arena of
    the same size; running-statistics updates are written in place. Every
    other value gets a slot of one activation arena (`train.slots` on its
    producer: a byte offset per result, -1 for a value that lives elsewhere):
    a value is live from its producer to its last use, reshapes share their
    operand's bytes, and values that are never live together share memory.
    Slots are 64-byte aligned. When bucket collectives travel compressed
    (`train.allreduce_start N as bf16`), the step's arena also gets a
    staging range of half the parameter bytes after its activations
    (`train.wire_offset`; bucket N stages at half its gradient offset).
    The sizes are recorded as
    `train.param_bytes` / `train.buffer_bytes` on the module and
    `train.arena_bytes` on each function.
  }];
}

def ScheduleCollectivesPass : Pass<"train-schedule-collectives", "::mlir::ModuleOp"> {
  let summary = "Reduce each gradient bucket while backward goes on";
  let description = [{
    Replaces the per-gradient `train.all_reduce` ops of `@train_step`
    (train-data-parallel) by one asynchronous collective per bucket of
    `train.buckets`: `train.allreduce_start N` right after the op that
    finishes the last gradient of bucket N, so the reduction of the last
    layers' gradients runs while backward computes the earlier layers', and
    `train.allreduce_wait N` before the return, in bucket order, with the
    gradients' reduction (the 1/world of a mean is the bucket epilogue) and
    their wire type.
    The gradients are returned unreduced in the tensor IR: the start and
    wait act on the bucket's range of the gradient arena, where
    train-plan-memory then gives every gradient its home. A module without
    buckets or without all-reduced gradients is left alone.
  }];
  let dependentDialects = ["::mlir::train::TrainDialect"];
}

def AssignLayoutsPass : Pass<"train-assign-layouts", "::mlir::ModuleOp"> {
  let summary = "Give activations the channel-blocked layout of the "
                "convolution library";
  let description = [{
    Gives each activation of the step functions a memory layout,
    `train.layouts` on its producer (one channel block per result, 0 for
    the plain layout): a tensor `[N, C, H, W]` whose channels the block
    divides is stored as `[N, C/B, H, W, B]` (oneDNN's nChw16c with
    AVX-512, nChw8c otherwise: the layouts its direct convolutions prefer)
    when its producer and every user can work on channel blocks:
    convolutions (the runtime takes the layouts with the geometry),
    BatchNorm forward and backward, the element-wise ops, max and global
    average pooling, and a flatten or reshape of a tensor with one pixel
    per channel (the same bytes in both layouts). Everything else —
    function arguments and results, average pooling windows, what no rule
    covers — stays plain.

    A parameter filter `[O, I, kH, kW]` whose channels the block divides
    is stored as `[O/B, I/B, kH, kW, B, B]` (oneDNN's OIhw16i16o: what its
    forward and backward-filter kernels want) when, in every step
    function, only convolutions with one group read it and one backward
    filter, read by nothing else, writes its gradient: `train.layout` on
    the parameter argument, `train.filter_layout` on the convolutions,
    `train.layouts` on the backward filter. Its gradient and optimizer
    state, in the same offsets of their arenas, follow; the element-wise
    updates and the per-layer norms do not see the order. The model
    description records each tensor's layout, and the runtime converts at
    every file (checkpoints, dumps, `--save-onnx`), so every file format is
    unchanged (`filters=false` keeps filters plain). Where a blocked and a
    plain tensor meet in an element-wise op, the op itself converts; a
    convolution whose operand is plain reorders it in the runtime. A
    layout only changes how bytes are ordered, not their number: the
    memory plan does not move. With `channel-block=0` (the default, and
    every target but the CPU's) the pass changes nothing.
  }];
  let options = [
    Option<"channelBlock", "channel-block", "int64_t", /*default=*/"0",
           "The channel block (0: plain layouts, 8 or 16)">,
    Option<"filters", "filters", "bool", /*default=*/"true",
           "Also store parameter filters in channel blocks">,
  ];
}

def DescribeModelPass : Pass<"train-describe-model", "::mlir::ModuleOp"> {
  let summary = "Record the description the runtime reads (train.model)";
  let description = [{
    From the planned `@forward` (and `@train_step`), sets the module
    attribute `train.model`, a `#train.model<...>` that the dialect
    verifies (every tensor inside its arena, one memory space per field):
    every parameter and buffer with its name,
    kind, shape, offset, initial value and whether weight decay skips it
    (BatchNorm scale and shift, biases); the arena sizes (the activation
    arena the largest of the steps' and trainc_apply_update's); the
    input's shape and the graph's input and output names; the number of
    classes; the optimizer and its state bytes; and the memory space of
    each field of `trainc_step_args`, which the target decides. Code
    generation turns it into `trainc_model_desc`
    (runtime/include/trainc/model.h).
  }];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"cpu\"",
           "The code-generation target (cpu)">,
  ];
}

def ConvertTrainToLoopsPass : Pass<"convert-train-to-loops", "::mlir::ModuleOp"> {
  let summary = "Lower planned step functions to kernels and library calls";
  let description = [{
    Converts `@train_step` and `@forward` (planned by train-plan-memory) in
    place into `@trainc_train_step` and `@trainc_eval_step`, functions on
    byte arenas (`train.role = #train.role<params>` names each argument's
    field of `trainc_step_args`; see
    runtime/include/trainc/model.h), and builds `@trainc_apply_update`.
    The op families' conversion patterns
    (`populateTrain<Family>LoweringPatterns`) run under a `ConversionTarget`
    in which the train dialect is illegal: an op without a lowering is an
    error naming it. Every tensor is read and written through a
    `memref.view` of its planned home; every op's code carries the op's
    location. The target (`TargetInfo`) decides which ops become library
    calls (convolutions and GEMMs: the runtime's oneDNN kernels on the CPU)
    and the runtime's symbols; every other op becomes `scf.parallel`
    kernels (reductions in f64 where they sum many terms, partial sums in
    planned scratch, combined by one-iteration kernels in a fixed order).
    The model's description (tensor names, shapes, offsets, initial values)
    moves to the module's `train.model` attribute.
  }];
  let options = [
    Option<"targetName", "target", "std::string", /*default=*/"\"cpu\"",
           "The code-generation target (cpu)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def InsertOptimizerPass : Pass<"train-insert-optimizer", "::mlir::ModuleOp"> {
  let summary = "Update each bucket as soon as its gradients are reduced";
  let description = [{
    Puts `train.optimizer_update N "<optimizer>"` into `@train_step` right
    after bucket N's `train.allreduce_wait` (train-schedule-collectives), or
    before the return, in bucket order, when the step has no collectives:
    the step ends with the parameters and optimizer state updated, and a
    bucket's update runs while the later buckets are still being reduced.
    The algorithm (runtime/include/trainc/optimizers.h: sgd, momentum,
    nesterov, adagrad, rmsprop, adam, adamw, lars, lamb, nlcg) is chosen at
    compile time and sizes the optimizer state; its coefficients are runtime values computed each
    step (`trainc_update_coeffs` in runtime/include/trainc/model.h, which
    also gives each algorithm's rule).
    Records the module attribute `train.optimizer`.
  }];
  let options = [
    Option<"optimizer", "optimizer", "std::string", "\"sgd\"",
           "The update algorithm (trainc/optimizers.h)">,
  ];
  let dependentDialects = ["::mlir::train::TrainDialect"];
}

def FuseUpdatesPass : Pass<"train-fuse-updates", "::mlir::ModuleOp"> {
  let summary = "Fuse each bucket's all-reduce epilogue into its update";
  let description = [{
    Where a bucket's `train.optimizer_update` follows its
    `train.allreduce_wait` (train-insert-optimizer puts it there), the
    wait's epilogue (the 1/world scale of a mean, or the widening of a
    bucket that travelled as f16/bf16) moves into the update:

    ```mlir
    train.allreduce_wait 0 mean as bf16 fused
    train.optimizer_update 0 "adam" fused mean as bf16
    ```

    The lowering then makes one pass over the bucket that reads the reduced
    sum, finishes the gradient (stored back, for --dump-grads), gathers the
    partial sums an optimizer needs and updates the parameters and state.
    An update not right after its bucket's wait is left alone (its wait
    keeps the epilogue).
  }];
  let dependentDialects = ["::mlir::train::TrainDialect"];
}

def ConvertParallelLoopsToThreadsPass
    : Pass<"convert-parallel-loops-to-threads", "::mlir::ModuleOp"> {
  let summary = "Run each top-level scf.parallel across the runtime's threads";
  let description = [{
    The CPU target's mapping of the kernel IR. Each top-level `scf.parallel`
    without results becomes a private function
    `@<function>_kernel<N>(%context: !llvm.ptr, %lo: index, %hi: index)`
    that runs the nest for the outermost dimension's iterations [lo, hi),
    and the loop becomes

    ```mlir
    func.call @trainc_rt_parallel_for(%kernel, %context, %iterations)
    ```

    which splits [0, iterations) into one contiguous range per OpenMP
    thread (the threads oneDNN uses; `--threads` sets how many). The values
    the nest uses from the host travel in `%context`, one 8-byte slot each
    (a memref of static shape as its aligned pointer, a scalar by value);
    pure ops without regions (views, constants, globals) are cloned into the
    kernel instead. Each iteration writes only its own elements, so the
    result is the same, bit for bit, for any number of threads.

    A nest stays inline when it has fewer than `min-accesses` loads and
    stores (counting static trip counts), when it calls a function, or when
    it uses a value the context cannot carry.
  }];
  let options = [
    Option<"minAccesses", "min-accesses", "int64_t", "16384",
           "Nests with fewer loads and stores run on the calling thread">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def VerifyKernelsPass : Pass<"train-verify-kernels", "::mlir::ModuleOp"> {
  let summary = "Refuse lowered functions that touch tensor data outside a kernel";
  let description = [{
    The contract between the lowering and its targets: in a lowered
    function, every read or write of memref data (`memref.load`,
    `memref.store`, `memref.copy`, ...) sits inside an `scf.parallel` nest,
    the unit each target maps to its threads (CPU) or to GPU blocks (CUDA);
    tensor data is otherwise touched only by library calls. Any other
    access is an error at its location naming the function, since on a GPU
    it would be host code reading device memory. Conversely, host memory
    (`train.memory_space = #train.memory_space<host>`: the update coefficients argument, host
    buffers of the function) is read and written only by host code, which
    passes its values to the kernels.
  }];
  let options = [
    Option<"maxErrors", "max-errors", "unsigned", "20",
           "Report at most this many accesses one by one">,
  ];
  let dependentDialects = ["::mlir::scf::SCFDialect"];
}

def EmitEntryPointsPass : Pass<"train-emit-entry-points", "::mlir::ModuleOp"> {
  let summary = "Define the model's C entry points on trainc_step_args";
  let description = [{
    Runs on the LLVM dialect, after the lowered step functions became
    `llvm.func`s that take one pointer per argument role (`train.role`).
    Each of `trainc_train_step`, `trainc_apply_update` and
    `trainc_eval_step` becomes `<name>.body` (internal), and `<name>` is
    defined on one `const trainc_step_args *` (runtime/include/trainc/
    model.h): it checks the struct's size and ABI version, calling
    `trainc_rt_bad_step_args(size, version)` (which ends the process with
    one line) on a mismatch, loads each argument from the field of its
    role (runtime/include/trainc/abi.h) and calls the body.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def AddDebugInfoPass : Pass<"train-add-debug-info", "::mlir::ModuleOp"> {
  let summary = "Line tables that name the ONNX node of every instruction";
  let description = [{
    Runs last on the LLVM dialect. Every defined `llvm.func` gets a DWARF
    subprogram in a compile unit for the ONNX file (line tables only).
    Every op whose location names an ONNX node (the importer's `NameLoc`,
    whose file location's line is the node's position in the graph,
    1-based) is placed in a subprogram named after the node, inlined at
    that line into the function that runs it; other ops are line 0 of
    their function. Profilers and debuggers then attribute each sample or
    frame to its ONNX node (`perf report --inline`, `addr2line -f -i`, gdb),
    the backward ops to the node they differentiate.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def MapKernelsToGpuPass : Pass<"train-map-kernels-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Map each kernel of the kernel IR onto a GPU grid";
  let description = [{
    The CUDA target's mapping of the kernel IR (the CPU target's is
    `convert-parallel-loops-to-threads`). Each top-level `scf.parallel`
    becomes a `gpu.launch` over a one-dimensional grid of `block-size`
    threads per block and at most `max-blocks` blocks: the nest's
    iteration space is collapsed with its innermost dimension fastest, so
    consecutive threads touch consecutive elements, and each thread walks
    it grid-stride. Inner `scf.parallel` nests run sequentially in their
    thread, in the CPU target's order.

    A kernel whose body is scalar code, sums (perfect `scf.for` nests of
    constant bounds whose carried values only accumulate `arith.addf`) and
    element-wise nests (independent iterations), with at least one nest of
    `block-size` iterations or more, maps onto one block per output
    instead (`cooperative`): the block's threads split each sum (thread t
    takes the flat iterations t, t + block, ...) and add their partial
    sums in a fixed tree in shared memory, split the element-wise nests,
    and run the scalar code, its stores in thread 0 with a barrier before
    the next read. Sums are then added in another order than the CPU
    target's but the same one on every run and every GPU: no atomics, no
    dependence on the grid. Any other body keeps one thread per output.

    A kernel with results (reductions) or calls has no mapping and is an
    error; after the pass no `scf.parallel` is left, which the pass
    checks.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256",
           "Threads per block (a power of two from 32 to 1024: the sums' "
           "trees halve it)">,
    Option<"maxBlocks", "max-blocks", "int64_t", "8192",
           "Blocks per launch at most; threads walk larger kernels "
           "grid-stride">,
    Option<"cooperative", "cooperative", "bool", "true",
           "Map a kernel whose outputs are sums (BatchNorm statistics, "
           "bias gradients, the loss, NLCG's dot products) onto one block "
           "per output, its threads splitting each sum and adding the "
           "partial sums in a fixed tree">,
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def SplitGpuSumsPass : Pass<"train-split-gpu-sums", "::mlir::ModuleOp"> {
  let summary = "Two-level partial sums for kernels with few outputs";
  let description = [{
    The CUDA target's, before `train-map-kernels-to-gpu`. A kernel whose
    outputs are sums (BatchNorm's per-channel statistics) maps onto one
    block per output; with fewer outputs than `target-blocks` (64
    channels at 112x112 on a GPU of 132 multiprocessors) most of the GPU
    idles. Such a kernel (scalar code without stores, one sum nest,
    scalar code without loops) becomes two: the first runs one iteration
    per (output, chunk), the chunks splitting the nest's outermost loop,
    and stores each chunk's sum (from zero) in a region of the activation
    arena past every function's own (the arena and the model description
    grow); the second adds, per output, the sum's initial value and its
    chunks' sums in chunk order, then runs the rest of the body. Every
    addition is in a fixed order: the results are the same on every run
    and GPU. Chunks divide the outermost trip count, at most enough to
    reach `target-blocks` blocks and each at least four passes of a
    `block-size` block.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256",
           "Threads per block of the mapping that follows">,
    Option<"targetBlocks", "target-blocks", "int64_t", "264",
           "Blocks to aim for (two per multiprocessor of an H100)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def EmulateGpuLaunchesPass : Pass<"train-emulate-gpu-launches", "::mlir::ModuleOp"> {
  let summary = "Run GPU-mapped kernels on the CPU, barrier by barrier";
  let description = [{
    For testing the CUDA target's mapping on the CPU (`trainc
    --emulate-gpu-kernels`): after `train-map-kernels-to-gpu`, each
    `gpu.launch` of a one-dimensional grid and block of constant sizes
    becomes an `scf.parallel` over its blocks whose body runs the block's
    threads in lock step: the body is cut at every `gpu.barrier`, each
    barrier-free run of ops becomes a loop over the threads, values that
    cross a barrier live in per-thread buffers, shared memory in a buffer
    per block, and an `scf.for` or `scf.if` holding a barrier
    runs once for the block (its bounds or condition must be the same in
    every thread, as a GPU requires, which a `cf.assert` checks). Between two barriers the threads run in
    order, or in reverse (`reverse-threads`): a missing barrier shows in
    one of the two orders. The arithmetic and its order are the GPU
    kernels'; only the hardware differs. A launch outside this form is an
    error.
  }];
  let options = [
    Option<"reverseThreads", "reverse-threads", "bool", "false",
           "Run the threads between two barriers in reverse order (a "
           "missing barrier then shows in one of the two orders)">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::cf::ControlFlowDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def MergeGpuModulesPass : Pass<"train-merge-gpu-modules", "::mlir::ModuleOp"> {
  let summary = "Move every outlined kernel into one gpu.module";
  let description = [{
    After `gpu-kernel-outlining` (a `gpu.module` per kernel): one
    `gpu.module @trainc_kernels` holds every kernel and each
    `gpu.launch_func` names it, so the runtime loads one module at
    start-up and `trainc --emit=ptx` writes one PTX file. Two kernels of
    the same name are an error.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def LowerGpuLaunchesPass : Pass<"train-lower-gpu-launches", "::mlir::ModuleOp"> {
  let summary = "Kernel launches as calls to the runtime; the GPU binary as a constant";
  let description = [{
    After `gpu-module-to-binary`, the host side of the CUDA target. The one
    `gpu.binary` becomes the constant `trainc.gpu_image` (the model
    description hands it to the runtime, which loads it once at start-up)
    and the launched kernels' names the NUL-separated table
    `trainc.gpu_kernels`, numbered in the order they are first launched.
    Each `gpu.launch_func` becomes `trainc_rt_launch(context, kernel, grid,
    block, shared bytes, params, num_params)` on the step's context, its
    arguments in 8-byte slots of one stack array per function: no module
    load, unload or stream synchronisation per launch (MLIR's own
    translation does all three). Arguments are arenas (static shape,
    identity layout: bare pointers in the kernels), integers of 1 to 64
    bits (an i1 as a byte, as NVPTX passes it) and 32/64-bit floats;
    anything else, an asynchronous launch, a launch outside a function
    with a runtime context or a binary with other than one object is an
    error.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // TRAINC_PASSES
