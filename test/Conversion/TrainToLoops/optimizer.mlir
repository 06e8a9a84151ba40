// RUN: trainc-opt %s -split-input-file -train-plan-memory -train-describe-model -convert-train-to-loops -verify-diagnostics | FileCheck %s
// RUN: trainc-opt %s -split-input-file -train-plan-memory -train-describe-model -convert-train-to-loops -verify-diagnostics | FileCheck %s --check-prefix=APPLY
// RUN: trainc-opt %s -split-input-file -train-plan-memory -train-describe-model -convert-train-to-loops -verify-diagnostics | FileCheck %s --check-prefix=DECL
// RUN: trainc-opt %s -split-input-file -train-plan-memory -train-describe-model -convert-train-to-loops -verify-diagnostics | FileCheck %s --check-prefix=UNTOUCHED

// The parameter update, lowered (Collectives.cpp: lowerUpdate;
// Optimizers.cpp: the per-algorithm update; TrainToLoops.cpp: the roles,
// train.model and @trainc_apply_update), on hand-written @train_step
// functions as train-insert-optimizer leaves them (train.optimizer = "<alg>"
// on the module, `train.optimizer_update N "<alg>"` after bucket N's wait),
// planned by train-plan-memory. Every case is a named module, its
// CHECK-LABEL.
//
// @trainc_train_step gains four arguments after the output: "state" (the
// optimizer state: passes/Optimizers.h's slots, each with the parameters'
// layout, slot k at byte k * param_bytes), "hyper" (trainc_update_coeffs,
// runtime/include/trainc/model.h, 20 floats, 80 bytes:
//   0 lr, 1 weight_decay, 2 weight_decay_bn_bias, 3 decay, 4 decay_bn_bias,
//   5 momentum, 6 keep, 7 beta2, 8 keep2, 9 denom_scale, 10 eps,
//   11 centered, 12 has_momentum, 13 trust, 14 m_scale, 15 accumulate (K),
//   16 micro, 17 noise, 18 loss_carry, 19 reserved), "accum" (param_bytes)
// and "stats" (two tables of f64 partial sums, one per 8192-element chunk
// of each parameter). Every update runs in the else of an scf.if on the
// early micro-step flag (micro == 1 or micro == 2: no update).
// train.model records optimizer = "<alg>" and state_bytes = slots *
// param_bytes. Per update: the coefficients the algorithm reads are loaded
// once, then (per parameter of the bucket, at its offset in params, grads
// and every state slot) one scf.parallel over exactly its elements; LARS
// and LAMB first run an scf.for over the parameter summing two f64 squares
// for the layer's norms. With d = g + wd * w (wd: coefficient 2 for
// BatchNorm parameters and biases, 1 otherwise), the rules checked are
// model.h's:
//   momentum  b = momentum b + keep d;  w -= lr b          (slot 0)
//   sgd       w -= lr d                                    (no state)
//   nesterov  as momentum, w -= lr (d + momentum b)
//   adagrad   s += d^2;  w -= lr d / (sqrt(s) + eps)
//   rmsprop   scf.if centered (11) { scf.if has_momentum (12) } else
//             { scf.if has_momentum }: four specialised loops; slot 0 the
//             square average, slot 2 (centered only) the average, slot 1
//             (momentum only) the buffer
//   adam(w)   m, v in slots 0, 1; w = decay w - lr m / (sqrt(v) denom_scale
//             + eps) (decay: 3, or 4 for BatchNorm parameters and biases)
//   lars      tau = trust |w| / (|g| + wd |w| + eps) if both norms > 0
//             else 1 (biases: 1 unless coefficient 2 != 0);
//             b = momentum b + lr tau d;  w -= b
//   lamb      m, v of g; u = m_scale m / (sqrt(v) denom_scale + eps) + wd w;
//             r = |w| / |u| if both > 0 else 1;  w -= lr r u
//   nlcg      global: the update gathers G = g + wd w and its dot products,
//             train.optimizer_step runs the phases, the preconditioner and
//             the step (state_bytes = 3 param_bytes + 256; see @nlcg)
// where g, the finished gradient, depends on the wait before the update:
//   "mean" ........ g = grad * scale, scale = 1 / (world max(K, 1))
//                   (trainc_rt_world() once per update, K hyper 15),
//                   stored back to the gradient arena before the update
//                   math; the wait emits no epilogue of its own (mean);
//                   LARS and LAMB finish it in their norm pass (LARS's
//                   update pass reads it back, LAMB's reads only the
//                   moments). Before the update, with the noise flag (17)
//                   and several processes, a chunked pass sums the squares
//                   of g into the second stats table (mean checks it; the
//                   other cases step over it: one scf.if, a loop per
//                   parameter)
//   "sum", none ... g = grad as is, no world, no scale (sum, no_wait)
//   "mean" as bf16  scf.if world > 1: g = the staged bf16 bits (arena at
//                   train.wire_offset + bucket offset / 2, element
//                   (parameter offset - bucket offset) / 4 + i) widened with
//                   extui / shli 16 / bitcast, stored back; else the plain
//                   loops (one process never compressed) on the sum times
//                   1 / (world max(K, 1)), stored back (bf16)
// An update not right after its own bucket's wait is not fused: the wait
// scales on its own (by 1 / (world max(K, 1)) when that is not 1) and the
// update reads the gradient as is (unfused).
// @trainc_apply_update(params, grads, state, hyper, arena: the scratch of
// LARS, LAMB and nlcg) is every bucket's update in order, generated by the
// same code on plain gradients: no wait, no world, nothing stored to grads
// (mean).
//
// The checks follow the structure, not the order of SSA values nor that of
// independent ops. CHECK looks at train.model and @trainc_train_step,
// APPLY at @trainc_apply_update, DECL at the module's declarations,
// UNTOUCHED at what a kernel must not touch (a gradient stored back, a
// state slot of another variant): each its own run, so that the functions
// may come in any order. A kernel is a CHECK-DAG group (the coefficients
// it reads, by their index in trainc_update_coeffs; its views; its values,
// each found from its operands) closed by its last store; the runtime
// calls, branches and kernels come in the order the step needs. Index
// constants are matched by their names (%c5, %c5_12, ...). @mean spells
// one update in full; the other cases check what distinguishes them.
//
// The per-algorithm cases (sgd ... lamb, nlcg) share one model: w (2x4, offset
// 0, coefficient 1) and b (4, offset 64, coefficient 2) in one "mean"
// bucket; param_bytes = 128, so slot k of w is at 128 k, of b at 128 k + 64.
//
// Diagnostics, by case:
//   "no CPU lowering for optimizer '<name>'" ..................... adamax
//     (at the update), adamax_apply (at the step, for trainc_apply_update)
//   "the module's optimizer (train.optimizer) is not '<name>'" ... no_optimizer_attr
//   "no bucket <N>" ............................................. unknown_bucket
//   "the step has no train.buckets" ............................. no_buckets
// (bucketSegments' "bucket parameter '<p>' is not a planned parameter of
// the step" cannot be reached here: train-plan-memory refuses such a bucket
// first.)

// Two linear layers, fc1 with a bias, as train-insert-optimizer leaves
// them: bucket 0 = fc2.weight (gradient offset 0, 15 floats), bucket 1 =
// fc1.weight (64, 20 floats) and fc1.bias (192, 5 floats), both "mean";
// SGD with momentum (one slot: state_bytes = param_bytes).
// CHECK-LABEL: module @mean
// CHECK-SAME: train.buckets = [{bytes = 64 : i64, offset = [[#O0:0]] : i64, params = ["fc2.weight"]}, {bytes = 192 : i64, offset = [[#O1:64]] : i64, params = ["fc1.weight", "fc1.bias"]}]
// CHECK-SAME: train.model = #train.model<
// CHECK-SAME: tensors = [#train.tensor<name = "fc1.weight", kind = param, shape = [5, 4], offset = [[#W1:64]], init = dense<5.000000e-01> : tensor<5x4xf32>, bn_or_bias = false, init_rule = linear_weight>,
// CHECK-SAME: #train.tensor<name = "fc1.bias", kind = param, shape = [5], offset = [[#B1:192]], init = dense<0.000000e+00> : tensor<5xf32>, bn_or_bias = true, init_rule = bias>,
// CHECK-SAME: #train.tensor<name = "fc2.weight", kind = param, shape = [3, 5], offset = [[#W2:0]], init = dense<2.500000e-01> : tensor<3x5xf32>, bn_or_bias = false, init_rule = linear_weight>],
// CHECK-SAME: param_bytes = [[#P:256]], buffer_bytes = 0,
// CHECK-SAME: state_bytes = [[#P]],
// CHECK-SAME: optimizer = "momentum",
// CHECK-SAME: output_name = "logits", source = "">,
// CHECK-SAME: train.optimizer = "momentum", train.param_bytes = [[#P]] : i64} {
// DECL-LABEL: module @mean
// DECL-DAG: func.func private @trainc_rt_world(!llvm.ptr) -> i32
// DECL-DAG: func.func private @trainc_rt_allreduce_wait(!llvm.ptr, i32)
// The eval step neither updates nor takes state: its arguments end with
// the output.
// DECL-DAG: func.func @trainc_eval_step(%{{[^:]+}}: !llvm.ptr {train.memory_space = #train.memory_space<host>, train.role = #train.role<context>}, %{{[^:]+}}: memref<256xi8> {train.role = #train.role<params>}, %{{[^:]+}}: memref<0xi8> {train.role = #train.role<buffers>}, %{{[^:]+}}: memref<320xi8> {train.role = #train.role<arena>}, %{{[^:]+}}: memref<32xi8> {train.role = #train.role<input>}, %{{[^:]+}}: memref<24xi8> {train.role = #train.role<output>}) {
// The roles in the order of the C ABI: state, hyper, accum and stats last.
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<[[#P]]xi8> {train.role = #train.role<params>},
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<[[#P]]xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %{{[^:]+}}: memref<0xi8> {train.role = #train.role<buffers>},
// CHECK-SAME: %{{[^:]+}}: memref<{{[0-9]+}}xi8> {train.role = #train.role<arena>},
// CHECK-SAME: %{{[^:]+}}: memref<32xi8> {train.role = #train.role<input>},
// CHECK-SAME: %{{[^:]+}}: memref<8xi8> {train.role = #train.role<labels>},
// CHECK-SAME: %{{[^:]+}}: memref<4xi8> {train.role = #train.role<output>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<[[#P]]xi8> {train.role = #train.role<state>},
// CHECK-SAME: %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>},
// CHECK-SAME: %{{[^:]+}}: memref<[[#P]]xi8> {train.role = #train.role<accum>},
// CHECK-SAME: %[[STATS:[^:]+]]: memref<48xi8> {train.role = #train.role<stats>}
// The loss's all-reduce, then bucket 0's wait and its update, in full.
// Each runs unless the call is a micro-step before the last: in the else
// of an scf.if on micro (hyper 16) == 1 or micro == 2.
// CHECK: call @trainc_rt_allreduce(%arg0, 
// CHECK-DAG: %[[HM:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[MICRO:.+]] = memref.load %[[HM]][%c16{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[ADD:.+]] = arith.cmpf oeq, %[[MICRO]], %[[TWO:.+]] : f32
// CHECK-DAG: %[[TWO]] = arith.constant 2.000000e+00 : f32
// CHECK-DAG: %[[LAST:.+]] = arith.cmpf oeq, %[[MICRO]], %[[THREE:.+]] : f32
// CHECK-DAG: %[[THREE]] = arith.constant 3.000000e+00 : f32
// CHECK-DAG: %[[FIRST:.+]] = arith.cmpf oeq, %[[MICRO]], %[[ONE_M:.+]] : f32
// CHECK-DAG: %[[ONE_M]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[EARLY:.+]] = arith.ori %[[FIRST]], %[[ADD]] : i1
// CHECK: scf.if %[[EARLY]] {
// CHECK-NEXT: } else {
// CHECK: call @trainc_rt_allreduce_wait(%arg0, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32) -> ()
// CHECK-NEXT: }
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// The mean's scale: 1 / (world max(K, 1)), K the accumulate coefficient
// (hyper 15).
// CHECK-DAG: %[[WORLD:.+]] = {{(func\.)?}}call @trainc_rt_world(%arg0) : (!llvm.ptr) -> i32
// CHECK-DAG: %[[HK:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[K:.+]] = memref.load %{{.+}}[%c15{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[KMAX:.+]] = arith.maximumf %[[K]], %[[ONE_K:.+]] : f32
// CHECK-DAG: %[[ONE_K]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[WORLD_F:.+]] = arith.sitofp %[[WORLD]] : i32 to f32
// CHECK-DAG: %[[COUNT:.+]] = arith.mulf %[[WORLD_F]], %[[KMAX]] : f32
// CHECK-DAG: %[[SCALE:.+]] = arith.divf %[[ONE:.+]], %[[COUNT]] : f32
// CHECK-DAG: %[[ONE]] = arith.constant 1.000000e+00 : f32
// The non-finite mode (hyper 19): DEFER (2) leaves the update to
// trainc_apply_update, and the pass finishes the gradient, stores it back
// and sums its squares into the second stats table (3 + chunk).
// CHECK-DAG: %[[MODE:.+]] = memref.load %{{.+}}[%c19{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[DEFER:.+]] = arith.cmpf oeq, %[[MODE]], %{{.+}} : f32
// CHECK: scf.if %[[DEFER]] {
// CHECK: scf.parallel
// CHECK: scf.for %[[FJ:[a-z0-9_]+]] = {{.+}} -> (f64) {
// CHECK-NEXT: %[[FX:.+]] = memref.load %[[FG:.+]][%[[FJ]]] : memref<15xf32>
// CHECK-NEXT: %[[FS:.+]] = arith.mulf %[[FX]], %[[SCALE]] : f32
// CHECK-NEXT: memref.store %[[FS]], %[[FG]][%[[FJ]]] : memref<15xf32>
// CHECK-NEXT: %[[FW:.+]] = arith.extf %[[FS]] : f32 to f64
// CHECK-NEXT: arith.mulf %[[FW]], %[[FW]] : f64
// CHECK: %[[FAT:.+]] = arith.addi %{{.+}}, %c3{{(_[0-9]+)?}} : index
// CHECK-NEXT: memref.store %{{.+}}, %{{.+}}[%[[FAT]]] : memref<6xf64>
// CHECK: } else {
// The squares are wanted for the noise scale (hyper 17) or the check
// (hyper 19), into the second stats table.
// CHECK-DAG: %[[NOISE_F:.+]] = memref.load %{{.+}}[%c17{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[NOISE:.+]] = arith.cmpf one, %[[NOISE_F]], %{{.+}} : f32
// CHECK-DAG: %[[CHECK_F:.+]] = memref.load %{{.+}}[%c19{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[CHECKS:.+]] = arith.cmpf one, %[[CHECK_F]], %{{.+}} : f32
// CHECK-DAG: %[[WANTED:.+]] = arith.ori %[[NOISE]], %[[CHECKS]] : i1
// CHECK-DAG: %[[TABLES:.+]] = memref.view %[[STATS]][%c0{{(_[0-9]+)?}}][] : memref<48xi8> to memref<6xf64>
// The coefficients momentum reads; fc2.weight: 15 elements at W2 in
// params, grads and state slot 0.
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[LR:.+]] = memref.load %[[H]][%c0{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[MOMENTUM:.+]] = memref.load %[[H]][%c5{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[KEEP:.+]] = memref.load %[[H]][%c6{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c[[#W2]]{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<15xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c[[#W2]]{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<15xf32>
// CHECK-DAG: %[[SV:.+]] = memref.view %[[STATE]][%c[[#W2]]{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<15xf32>
// With the noise scale measured, the update's own loop, chunk by chunk,
// also sums the squares of the finished gradient (sum times scale), f64,
// one partial per chunk, into the second stats table: fc2.weight's one
// chunk is partial 0 of 3, at 3 + 0. No pass of its own.
// CHECK: scf.if %[[WANTED]] {
// CHECK: scf.parallel (%[[CHUNK:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c1{{(_[0-9]+)?}}) step
// CHECK: scf.for %[[J:[a-z0-9_]+]] = {{.+}} -> (f64) {
// CHECK-DAG: %[[NX:.+]] = memref.load %[[GV]][%[[J]]] : memref<15xf32>
// CHECK-DAG: %[[NS:.+]] = arith.mulf %[[NX]], %[[SCALE]] : f32
// CHECK-DAG: memref.store %[[NS]], %[[GV]][%[[J]]] : memref<15xf32>
// CHECK-DAG: memref.store %{{.+}}, %[[SV]][%[[J]]] : memref<15xf32>
// CHECK-DAG: memref.store %{{.+}}, %[[WV]][%[[J]]] : memref<15xf32>
// CHECK-DAG: %[[NW:.+]] = arith.extf %[[NS]] : f32 to f64
// CHECK-DAG: arith.mulf %[[NW]], %[[NW]] : f64
// CHECK: %[[AT:.+]] = arith.addi %[[CHUNK]], %c3{{(_[0-9]+)?}} : index
// CHECK-NEXT: memref.store %{{.+}}, %[[TABLES]][%[[AT]]] : memref<6xf64>
// CHECK: scf.reduce
// Otherwise one loop for bucket 0, and no epilogue of the wait's own.
// CHECK: } else {
// CHECK-NOT: scf.if
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c15{{(_[0-9]+)?}}) step
// The gradient of the global batch, stored back, then the update:
// d = g + wd w; b = momentum b + keep d (stored); w -= lr b.
// CHECK-DAG: %[[SUM:.+]] = memref.load %[[GV]][%[[I]]] : memref<15xf32>
// CHECK-DAG: %[[GI:.+]] = arith.mulf %[[SUM]], %[[SCALE]] : f32
// CHECK-DAG: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<15xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<15xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK-DAG: %[[BI:.+]] = memref.load %[[SV]][%[[I]]] : memref<15xf32>
// CHECK-DAG: %[[MB:.+]] = arith.mulf %[[MOMENTUM]], %[[BI]] : f32
// CHECK-DAG: %[[KD:.+]] = arith.mulf %[[KEEP]], %[[D]] : f32
// CHECK-DAG: %[[BUF:.+]] = arith.addf %[[MB]], %[[KD]] : f32
// CHECK-DAG: memref.store %[[BUF]], %[[SV]][%[[I]]] : memref<15xf32>
// CHECK-DAG: %[[LSTEP:.+]] = arith.mulf %[[LR]], %[[BUF]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.subf %[[WI]], %[[LSTEP]] : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<15xf32>
// CHECK-NOT: scf.parallel
// Bucket 1's wait, with its own scale and coefficients.
// CHECK: call @trainc_rt_allreduce_wait(%arg0, %c1_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32) -> ()
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: %[[SCALE:.+]] = arith.divf %{{.+}}, %{{.+}} : f32
// The deferred pass (DEFER), then the update.
// CHECK: scf.if %{{.+}} {
// CHECK: memref<6xf64>
// CHECK: } else {
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD_BN:.+]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// fc1.weight: 20 elements at W1 (the bucket's offset), coefficient 1;
// fc1.bias: 5 at B1, coefficient 2. With the noise scale measured, each
// parameter's chunked loop stores its chunk's squares: fc1.weight's is
// partial 1 of the table (at 3 + 1), fc1.bias's partial 2 (at 3 + 2).
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c[[#W1]]{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<20xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c[[#W1]]{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<20xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c[[#W1]]{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<20xf32>
// CHECK: scf.if %{{.+}} {
// CHECK: arith.addi %{{.+}}, %c4{{(_[0-9]+)?}} : index
// CHECK-NEXT: memref.store %{{.+}} : memref<6xf64>
// CHECK: } else {
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c20{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[GI:.+]] = arith.mulf %{{.+}}, %[[SCALE]] : f32
// CHECK-DAG: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<20xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<20xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK-DAG: memref.store %{{.+}}, %[[S0]][%[[I]]] : memref<20xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c[[#B1]]{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<5xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c[[#B1]]{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<5xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c[[#B1]]{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<5xf32>
// CHECK: scf.if %{{.+}} {
// CHECK: arith.addi %{{.+}}, %c5{{(_[0-9]+)?}} : index
// CHECK-NEXT: memref.store %{{.+}} : memref<6xf64>
// CHECK: } else {
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c5{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[GI:.+]] = arith.mulf %{{.+}}, %[[SCALE]] : f32
// CHECK-DAG: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<5xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<5xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD_BN]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK-DAG: memref.store %{{.+}}, %[[S0]][%[[I]]] : memref<5xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<5xf32>
// CHECK-NOT: scf.parallel
// CHECK: return
// trainc_apply_update(params, grads, state, hyper, arena): the same update
// on plain gradients, bucket by bucket: no call (no world), the gradient
// as loaded is d's (no scale) and is not stored back (UNTOUCHED).
// APPLY-LABEL: module @mean
// APPLY-LABEL: func.func @trainc_apply_update(
// APPLY-SAME: %[[PARAMS:[^:]+]]: memref<256xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<256xi8> {train.role = #train.role<grads>},
// APPLY-SAME: %[[STATE:[^:]+]]: memref<256xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// APPLY-SAME: %{{[^:]+}}: memref<0xi8> {train.role = #train.role<arena>})
// APPLY-NOT: call
// APPLY-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<15xf32>
// APPLY: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c15{{(_[0-9]+)?}}) step
// APPLY: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<15xf32>
// APPLY: arith.addf %[[GI]], %{{.+}} : f32
// APPLY-NOT: call
// APPLY: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c20{{(_[0-9]+)?}}) step
// APPLY-NOT: call
// APPLY: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c5{{(_[0-9]+)?}}) step
// APPLY-NOT: call
// APPLY: return
// UNTOUCHED-LABEL: module @mean
// UNTOUCHED-LABEL: func.func @trainc_apply_update(
// UNTOUCHED-SAME: %[[GRADS:[^:]+]]: memref<256xi8> {train.role = #train.role<grads>}
// UNTOUCHED: %[[G:.+]] = memref.view %[[GRADS]]
// UNTOUCHED-NOT: memref.store %{{.+}}, %[[G]][
// UNTOUCHED: %[[G:.+]] = memref.view %[[GRADS]]
// UNTOUCHED-NOT: memref.store %{{.+}}, %[[G]][
// UNTOUCHED: %[[G:.+]] = memref.view %[[GRADS]]
// UNTOUCHED-NOT: memref.store %{{.+}}, %[[G]][
// UNTOUCHED: return
module @mean attributes {train.optimizer = "momentum", train.buckets = [{bytes = 64 : i64, params = ["fc2.weight"]}, {bytes = 192 : i64, params = ["fc1.weight", "fc1.bias"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w1: tensor<5x4xf32> {train.param = "fc1.weight", train.init = dense<0.5> : tensor<5x4xf32>},
    %b1: tensor<5xf32> {train.param = "fc1.bias", train.init = dense<0.0> : tensor<5xf32>},
    %w2: tensor<3x5xf32> {train.param = "fc2.weight", train.init = dense<0.25> : tensor<3x5xf32>})
    -> (tensor<2x3xf32> {train.output = "logits"}) {
  %h = train.gemm %x, %w1, %b1 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  %l = train.gemm %h, %w2 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  return %l : tensor<2x3xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w1: tensor<5x4xf32> {train.param = "fc1.weight"},
    %b1: tensor<5xf32> {train.param = "fc1.bias"},
    %w2: tensor<3x5xf32> {train.param = "fc2.weight"})
    -> (tensor<f32> {train.loss = "loss"},
        tensor<5x4xf32> {train.grad = "fc1.weight"},
        tensor<5xf32> {train.grad = "fc1.bias"},
        tensor<3x5xf32> {train.grad = "fc2.weight"}) {
  %h = train.gemm %x, %w1, %b1 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x4xf32>, tensor<5x4xf32>, tensor<5xf32>) -> tensor<2x5xf32>
  %l = train.gemm %h, %w2 trans_a = false trans_b = true alpha = 1.0 beta = 1.0 : (tensor<2x5xf32>, tensor<3x5xf32>) -> tensor<2x3xf32>
  %loss = train.softmax_xent %l, %labels label_smoothing = 0.0 : tensor<2x3xf32>, tensor<2xi32>
  %one = train.constant dense<1.0> : tensor<f32>
  %dl = train.softmax_xent_backward %l, %labels, %one label_smoothing = 0.0 : tensor<2x3xf32>, tensor<2xi32>
  %dh = train.gemm %dl, %w2 trans_a = false trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x3xf32>, tensor<3x5xf32>) -> tensor<2x5xf32>
  %dw2 = train.gemm %dl, %h trans_a = true trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x3xf32>, tensor<2x5xf32>) -> tensor<3x5xf32>
  train.allreduce_start 0
  %dw1 = train.gemm %dh, %x trans_a = true trans_b = false alpha = 1.0 beta = 1.0 : (tensor<2x5xf32>, tensor<2x4xf32>) -> tensor<5x4xf32>
  %db1 = train.reduce_sum_to %dh : tensor<2x5xf32> -> tensor<5xf32>
  train.allreduce_start 1
  %rloss = train.all_reduce "mean" %loss : tensor<f32>
  train.allreduce_wait 0 "mean" fused
  train.optimizer_update 0 "momentum" fused "mean"
  train.allreduce_wait 1 "mean" fused
  train.optimizer_update 1 "momentum" fused "mean"
  return %rloss, %dw1, %db1, %dw2 : tensor<f32>, tensor<5x4xf32>, tensor<5xf32>, tensor<3x5xf32>
}
}

// -----
// A bucket of summed gradients (a, rank 1: coefficient 2): the wait's call,
// then the update reading the gradient as is: no world size, no scale in
// the update (the world size is read before the start, by the bucket's
// accumulation prologue: collectives.mlir).
// CHECK-LABEL: module @sum
// CHECK-SAME: state_bytes = 64, {{.+}}, optimizer = "momentum",
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<64xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<64xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<64xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// CHECK: call @trainc_rt_allreduce_start(%arg0, 
// CHECK: call @trainc_rt_allreduce_wait(%arg0, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32) -> ()
// CHECK-NEXT: }
// The update (unless an early micro-step) on the gradient as loaded, in
// full; a is a bias (coefficient 2).
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK-NOT: {{trainc_rt_world|arith.divf}}
// The deferred pass (DEFER), then the update.
// CHECK: scf.if %{{.+}} {
// CHECK: memref<{{[0-9]+}}xf64>
// CHECK: } else {
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[LR:.+]] = memref.load %[[H]][%c0{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD_BN:.+]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[MOMENTUM:.+]] = memref.load %[[H]][%c5{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[KEEP:.+]] = memref.load %[[H]][%c6{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<4xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<4xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<4xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD_BN]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK-DAG: %[[BI:.+]] = memref.load %[[S0]][%[[I]]] : memref<4xf32>
// CHECK-DAG: %[[MB:.+]] = arith.mulf %[[MOMENTUM]], %[[BI]] : f32
// CHECK-DAG: %[[KD:.+]] = arith.mulf %[[KEEP]], %[[D]] : f32
// CHECK-DAG: %[[BUF:.+]] = arith.addf %[[MB]], %[[KD]] : f32
// CHECK-DAG: memref.store %[[BUF]], %[[S0]][%[[I]]] : memref<4xf32>
// CHECK-DAG: %[[LSTEP:.+]] = arith.mulf %[[LR]], %[[BUF]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.subf %[[WI]], %[[LSTEP]] : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-NOT: scf.parallel
// CHECK: return
// Nothing is stored back to the gradient after the wait.
// UNTOUCHED-LABEL: module @sum
// UNTOUCHED-LABEL: func.func @trainc_train_step(
// UNTOUCHED-SAME: %[[GRADS:[^:]+]]: memref<64xi8> {train.role = #train.role<grads>}
// UNTOUCHED: call @trainc_rt_allreduce_wait(%arg0, 
// UNTOUCHED: %[[G:.+]] = memref.view %[[GRADS]]
// UNTOUCHED-NOT: memref.store %{{.+}}, %[[G]][
// UNTOUCHED: return
module @sum attributes {train.optimizer = "momentum", train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  train.allreduce_start 0
  train.allreduce_wait 0 "sum" fused
  train.optimizer_update 0 "momentum" fused "sum"
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}

// -----
// One process, no collectives: the updates before the return, in bucket
// order, reading the gradients as is. a (bucket 0, rank 1) at 0:
// coefficient 2; w (bucket 1, 2x4) at 64: coefficient 1.
// CHECK-LABEL: module @no_wait
// CHECK-SAME: #train.tensor<name = "a", kind = param, {{.+}}, offset = 0, {{.+}}, bn_or_bias = true>,
// CHECK-SAME: #train.tensor<name = "w", kind = param, {{.+}}, offset = 64, {{.+}}, bn_or_bias = false>
// CHECK-SAME: param_bytes = 128, {{.+}}, state_bytes = 128, {{.+}}, optimizer = "momentum",
// DECL-LABEL: module @no_wait
// DECL-NOT: trainc_rt_world
// DECL-NOT: trainc_rt_allreduce
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<128xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// The relu of w writes its gradient (grads + 64): the last kernel before
// the updates.
// CHECK-DAG: %[[DW:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK: memref.store %{{.+}}, %[[DW]][%{{.+}}] : memref<8xf32>
// CHECK: scf.reduce
// Bucket 0 (a), then bucket 1 (w), each on the gradient as loaded, each
// in the else of an scf.if on the early micro-step flag.
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// The deferred pass (DEFER), then the update.
// CHECK: scf.if %{{.+}} {
// CHECK: memref<{{[0-9]+}}xf64>
// CHECK: } else {
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[WD_BN:.+]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<4xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD_BN]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK-DAG: memref.store %{{.+}}, %[[S0]][%[[I]]] : memref<4xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<4xf32>
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// The deferred pass (DEFER), then the update.
// CHECK: scf.if %{{.+}} {
// CHECK: memref<{{[0-9]+}}xf64>
// CHECK: } else {
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK-DAG: memref.store %{{.+}}, %[[S0]][%[[I]]] : memref<8xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-NOT: scf.parallel
// CHECK: return
module @no_wait attributes {train.optimizer = "momentum", train.buckets = [{bytes = 64 : i64, params = ["a"]}, {bytes = 64 : i64, params = ["w"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %w: tensor<2x4xf32> {train.param = "w"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}, tensor<2x4xf32> {train.grad = "w"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %da = train.relu %a : tensor<4xf32>
  %dw = train.relu %w : tensor<2x4xf32>
  train.optimizer_update 0 "momentum"
  train.optimizer_update 1 "momentum"
  return %loss, %da, %dw : tensor<f32>, tensor<4xf32>, tensor<2x4xf32>
}
}

// -----
// Compressed buckets (as bf16): bucket 0 = a (gradient offset 0, 4 floats),
// bucket 1 = w (64, 2x4: coefficient 1) and b (128, 4: coefficient 2), 32
// floats. The staging range starts at WIRE (train.wire_offset, read off
// bucket 0's start); bucket 1 stages at WIRE + 64 / 2 as 32 i16, w's
// elements from index 0, b's from (128 - 64) / 4 = 16. Each branch loads
// its own coefficients.
// CHECK-LABEL: module @bf16
// CHECK-SAME: train.buckets = [{bytes = 64 : i64, offset = [[#O0:0]] : i64, params = ["a"]}, {bytes = 128 : i64, offset = [[#O1:64]] : i64, params = ["w", "b"]}]
// CHECK-SAME: #train.tensor<name = "w", kind = param, shape = [2, 4], offset = [[#W:64]], {{.+}}>, #train.tensor<name = "b", kind = param, {{.+}}, offset = [[#BB:128]], {{.+}}, bn_or_bias = true>
// DECL-LABEL: module @bf16
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<192xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<192xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<[[#ARENA_BYTES:]]xi8> {train.role = #train.role<arena>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<192xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// The starts send the staged bits (wire 2 = bf16): bucket 0's 16 from
// WIRE, bucket 1's 32 from WIRE + O1 / 2.
// CHECK-DAG: %[[S0_B:.+]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[S0_A:.+]] = arith.addi %[[S0_B]], %c[[#WIRE:]]{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[S0_I:.+]] = arith.index_cast %[[S0_A]] : index to i64
// CHECK-DAG: %[[S0:.+]] = llvm.inttoptr %[[S0_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce_start(%arg0, %c0_i32{{(_[0-9]+)?}}, %[[S0]], %c16_i64{{(_[0-9]+)?}}, %c2_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32, !llvm.ptr, i64, i32) -> ()
// CHECK-DAG: %[[S1_A:.+]] = arith.addi %[[S1_B:.+]], %c[[#WIRE + div(O1,2)]]{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[S1_B]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[S1_I:.+]] = arith.index_cast %[[S1_A]] : index to i64
// CHECK-DAG: %[[S1:.+]] = llvm.inttoptr %[[S1_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_allreduce_start(%arg0, %c1_i32{{(_[0-9]+)?}}, %[[S1]], %c32_i64{{(_[0-9]+)?}}, %c2_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32, !llvm.ptr, i64, i32) -> ()
// Bucket 0's wait and update: one loop in each branch.
// CHECK: call @trainc_rt_allreduce_wait(%arg0, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32) -> ()
// CHECK: scf.if
// CHECK: memref.view %[[ARENA]][%c[[#WIRE]]{{(_[0-9]+)?}}][] : memref<[[#ARENA_BYTES]]xi8> to memref<16xi16>
// CHECK: } else {
// Bucket 1's: with several processes, the staged bf16 mean, widened,
// stored back and updated; each branch loads its own coefficients.
// CHECK: call @trainc_rt_allreduce_wait(%arg0, %c1_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32) -> ()
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK-DAG: %[[WORLD:.+]] = {{(func\.)?}}call @trainc_rt_world(%arg0) : (!llvm.ptr) -> i32
// CHECK-DAG: %[[MANY:.+]] = arith.cmpi sgt, %[[WORLD]], %c1_i32{{(_[0-9]+)?}} : i32
// CHECK-DAG: %[[SCALE:.+]] = arith.divf %{{.+}}, %{{.+}} : f32
// CHECK: scf.if %[[MANY]] {
// CHECK: %[[STAGED:.+]] = memref.view %[[ARENA]][%c[[#WIRE + div(O1,2)]]{{(_[0-9]+)?}}][] : memref<[[#ARENA_BYTES]]xi8> to memref<32xi16>
// The deferred pass (DEFER), then the update.
// CHECK: scf.if %{{.+}} {
// CHECK: memref<{{[0-9]+}}xf64>
// CHECK: } else {
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD_BN:.+]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c[[#W]]{{(_[0-9]+)?}}][] : memref<192xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c[[#W]]{{(_[0-9]+)?}}][] : memref<192xi8> to memref<8xf32>
// With the noise scale measured, the update's chunked loop squares the
// widened staged mean (partials 4 and 5: w's and b's chunks in the second
// stats table); otherwise the plain loop.
// CHECK: scf.if %{{.+}} {
// CHECK: memref.load %[[STAGED]][%{{.+}}] : memref<32xi16>
// CHECK: arith.addi %{{.+}}, %c4{{(_[0-9]+)?}} : index
// CHECK-NEXT: memref.store %{{.+}} : memref<6xf64>
// CHECK: } else {
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// w's elements from (W - O1) / 4 = 0 in the staged bucket.
// CHECK-DAG: %[[AT:.+]] = arith.addi %[[I]], %c[[#div(W - O1,4)]]{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[BITS:.+]] = memref.load %[[STAGED]][%[[AT]]] : memref<32xi16>
// CHECK-DAG: %[[WIDE:.+]] = arith.extui %[[BITS]] : i16 to i32
// CHECK-DAG: %[[HIGH:.+]] = arith.shli %[[WIDE]], %c16_i32{{(_[0-9]+)?}} : i32
// CHECK-DAG: %[[GI:.+]] = arith.bitcast %[[HIGH]] : i32 to f32
// CHECK-DAG: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<8xf32>
// b's from (BB - O1) / 4 = 16, coefficient 2.
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c[[#BB]]{{(_[0-9]+)?}}][] : memref<192xi8> to memref<4xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c[[#BB]]{{(_[0-9]+)?}}][] : memref<192xi8> to memref<4xf32>
// CHECK: scf.if %{{.+}} {
// CHECK: memref.load %[[STAGED]][%{{.+}}] : memref<32xi16>
// CHECK: arith.addi %{{.+}}, %c5{{(_[0-9]+)?}} : index
// CHECK-NEXT: memref.store %{{.+}} : memref<6xf64>
// CHECK: } else {
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[AT:.+]] = arith.addi %[[I]], %c[[#div(BB - O1,4)]]{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[BITS:.+]] = memref.load %[[STAGED]][%[[AT]]] : memref<32xi16>
// CHECK-DAG: %[[WIDE:.+]] = arith.extui %[[BITS]] : i16 to i32
// CHECK-DAG: %[[HIGH:.+]] = arith.shli %[[WIDE]], %c16_i32{{(_[0-9]+)?}} : i32
// CHECK-DAG: %[[GI:.+]] = arith.bitcast %[[HIGH]] : i32 to f32
// CHECK-DAG: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<4xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD_BN]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<4xf32>
// One process: nothing was compressed; the plain loops read the summed
// gradients, scale them by 1 / (world max(K, 1)) (the sum over
// micro-batches) and store them back.
// CHECK: } else {
// CHECK-NOT: xi16
// The deferred pass (DEFER), then the update.
// CHECK: scf.if %{{.+}} {
// CHECK: memref<{{[0-9]+}}xf64>
// CHECK: } else {
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c[[#W]]{{(_[0-9]+)?}}][] : memref<192xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c[[#W]]{{(_[0-9]+)?}}][] : memref<192xi8> to memref<8xf32>
// CHECK: scf.if %{{.+}} {
// CHECK: arith.addi %{{.+}}, %c4{{(_[0-9]+)?}} : index
// CHECK-NEXT: memref.store %{{.+}} : memref<6xf64>
// CHECK: } else {
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[SUM:.+]] = memref.load %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[GI:.+]] = arith.mulf %[[SUM]], %[[SCALE]] : f32
// CHECK-DAG: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-NOT: xi16
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-NOT: xi16
// CHECK: return
// trainc_apply_update neither stages nor branches on the world.
// APPLY-LABEL: module @bf16
// APPLY-LABEL: func.func @trainc_apply_update(
// APPLY-NOT: {{xi16|scf.if|call}}
// APPLY: return
module @bf16 attributes {train.optimizer = "momentum", train.buckets = [{bytes = 64 : i64, params = ["a"]}, {bytes = 128 : i64, params = ["w", "b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %w: tensor<2x4xf32> {train.param = "w"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"},
        tensor<2x4xf32> {train.grad = "w"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %da = train.relu %a : tensor<4xf32>
  train.allreduce_start 0 as bf16
  %dw = train.relu %w : tensor<2x4xf32>
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 1 as bf16
  %rloss = train.all_reduce "mean" %loss : tensor<f32>
  train.allreduce_wait 0 "mean" as bf16 fused
  train.optimizer_update 0 "momentum" fused "mean" as bf16
  train.allreduce_wait 1 "mean" as bf16 fused
  train.optimizer_update 1 "momentum" fused "mean" as bf16
  return %rloss, %da, %dw, %db : tensor<f32>, tensor<4xf32>, tensor<2x4xf32>, tensor<4xf32>
}
}

// -----
// Updates that do not follow their own bucket's wait (not what
// train-insert-optimizer makes): each wait keeps its own epilogue, in the
// else of the early-micro-step scf.if after the wait's call (the loop over
// the bucket's range, padding included, multiplying by 1 / (world
// max(K, 1)), K hyper 15, when that scale is not 1), and the updates read
// the finished gradients as is, summing their squares into the second
// stats table when the noise scale is measured.
// CHECK-LABEL: module @unfused
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>},
// CHECK-SAME: %[[STATS:[^:]+]]: memref<32xi8> {train.role = #train.role<stats>}
// CHECK: call @trainc_rt_allreduce_start(%arg0, 
// CHECK: call @trainc_rt_allreduce_start(%arg0, 
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: call @trainc_rt_allreduce_wait(%arg0, %c0_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32) -> ()
// CHECK-DAG: %[[BV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<16xf32>
// CHECK-DAG: %[[WORLD:.+]] = {{(func\.)?}}call @trainc_rt_world(%arg0) : (!llvm.ptr) -> i32
// CHECK-DAG: %[[HK:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[K:.+]] = memref.load %{{.+}}[%c15{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[KMAX:.+]] = arith.maximumf %[[K]], %{{.+}} : f32
// CHECK-DAG: %[[WORLD_F:.+]] = arith.sitofp %[[WORLD]] : i32 to f32
// CHECK-DAG: %[[COUNT:.+]] = arith.mulf %[[WORLD_F]], %[[KMAX]] : f32
// CHECK-DAG: %[[INV:.+]] = arith.divf %{{.+}}, %[[COUNT]] : f32
// CHECK: %[[SCALED:.+]] = arith.cmpf one, %[[INV]], %{{.+}} : f32
// CHECK-NEXT: scf.if %[[SCALED]] {
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[X:.+]] = memref.load %[[BV]][%[[I]]] : memref<16xf32>
// CHECK-DAG: %[[Y:.+]] = arith.mulf %[[X]], %[[INV]] : f32
// CHECK: memref.store %[[Y]], %[[BV]][%[[I]]] : memref<16xf32>
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: call @trainc_rt_allreduce_wait(%arg0, %c1_i32{{(_[0-9]+)?}}) : (!llvm.ptr, i32) -> ()
// CHECK-DAG: %[[BV:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<16xf32>
// CHECK: %[[SCALED:.+]] = arith.cmpf one, %{{.+}}, %{{.+}} : f32
// CHECK-NEXT: scf.if %[[SCALED]] {
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c16{{(_[0-9]+)?}}) step
// CHECK: memref.store %{{.+}}, %[[BV]][%[[I]]] : memref<16xf32>
// Then the two updates, plain: the gradient as loaded is d's. With the
// noise scale measured, a's squares as stored (no second scale) are
// partial 0 of 2, at 2 + 0; b's partial 1, at 2 + 1.
// CHECK-NOT: trainc_rt_world
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// The deferred pass (DEFER), then the update.
// CHECK: scf.if %{{.+}} {
// CHECK: memref<{{[0-9]+}}xf64>
// CHECK: } else {
// CHECK-NOT: trainc_rt_world
// CHECK-DAG: %[[TABLES:.+]] = memref.view %[[STATS]][%c0{{(_[0-9]+)?}}][] : memref<32xi8> to memref<4xf64>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK: scf.if %{{.+}} {
// CHECK: scf.for %[[J:[a-z0-9_]+]] =
// CHECK-NEXT: %[[NX:.+]] = memref.load %[[GV]][%[[J]]] : memref<4xf32>
// CHECK: arith.extf %[[NX]] : f32 to f64
// CHECK: %[[AT:.+]] = arith.addi %{{.+}}, %c2{{(_[0-9]+)?}} : index
// CHECK-NEXT: memref.store %{{.+}}, %[[TABLES]][%[[AT]]] : memref<4xf64>
// CHECK: } else {
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<4xf32>
// CHECK: arith.addf %[[GI]], %{{.+}} : f32
// CHECK-NOT: trainc_rt_world
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK-NOT: trainc_rt_world
// The deferred pass (DEFER), then the update.
// CHECK: scf.if %{{.+}} {
// CHECK: memref<{{[0-9]+}}xf64>
// CHECK: } else {
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK: scf.if %{{.+}} {
// CHECK: %[[AT:.+]] = arith.addi %{{.+}}, %c3{{(_[0-9]+)?}} : index
// CHECK-NEXT: memref.store %{{.+}}, %{{.+}}[%[[AT]]] : memref<4xf64>
// CHECK: } else {
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<4xf32>
// CHECK: arith.addf %[[GI]], %{{.+}} : f32
// CHECK-NOT: trainc_rt_world
// CHECK: return
module @unfused attributes {train.optimizer = "momentum", train.buckets = [{bytes = 64 : i64, params = ["a"]}, {bytes = 64 : i64, params = ["b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %da = train.relu %a : tensor<4xf32>
  train.allreduce_start 0
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 1
  train.allreduce_wait 0 "mean"
  train.allreduce_wait 1 "mean"
  train.optimizer_update 0 "momentum"
  train.optimizer_update 1 "momentum"
  return %loss, %da, %db : tensor<f32>, tensor<4xf32>, tensor<4xf32>
}
}

// -----
// sgd: no state (state_bytes 0), w -= lr d; the loops view params and grads
// only.
// CHECK-LABEL: module @sgd
// CHECK-SAME: param_bytes = 128, {{.+}}, state_bytes = 0, {{.+}}, optimizer = "sgd",
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<0xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// CHECK: call @trainc_rt_allreduce_wait(%arg0, 
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: arith.divf %{{.+}}, %{{.+}} : f32
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[LR:.+]] = memref.load %[[H]][%c0{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD_BN:.+]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-NOT: memref.view %[[STATE]]
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %{{.+}}, %[[DECAY]] : f32
// CHECK-DAG: %[[STEP:.+]] = arith.mulf %[[LR]], %[[D]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.subf %[[WI]], %[[STEP]] : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<8xf32>
// b: coefficient 2.
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-NOT: memref.view %[[STATE]]
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD_BN]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %{{.+}}, %[[DECAY]] : f32
// CHECK-DAG: %[[STEP:.+]] = arith.mulf %[[LR]], %[[D]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.subf %[[WI]], %[[STEP]] : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<4xf32>
// CHECK: return
// APPLY-LABEL: module @sgd
// APPLY-LABEL: func.func @trainc_apply_update(
// APPLY-SAME: memref<0xi8> {train.role = #train.role<state>}
module @sgd attributes {train.optimizer = "sgd", train.buckets = [{bytes = 128 : i64, params = ["w", "b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<2x4xf32> {train.param = "w"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<2x4xf32> {train.grad = "w"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %dw = train.relu %w : tensor<2x4xf32>
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 0
  train.allreduce_wait 0 "mean" fused
  train.optimizer_update 0 "sgd" fused "mean"
  return %loss, %dw, %db : tensor<f32>, tensor<2x4xf32>, tensor<4xf32>
}
}

// -----
// nesterov: one slot (state_bytes 128), the momentum buffer; the step is
// d + momentum b with the new buffer.
// CHECK-LABEL: module @nesterov
// CHECK-SAME: state_bytes = 128, {{.+}}, optimizer = "nesterov",
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<128xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// CHECK: call @trainc_rt_allreduce_wait(%arg0, 
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: arith.divf %{{.+}}, %{{.+}} : f32
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[LR:.+]] = memref.load %[[H]][%c0{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD_BN:.+]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[MOMENTUM:.+]] = memref.load %[[H]][%c5{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[KEEP:.+]] = memref.load %[[H]][%c6{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %{{.+}}, %[[DECAY]] : f32
// CHECK-DAG: %[[BI:.+]] = memref.load %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[MB:.+]] = arith.mulf %[[MOMENTUM]], %[[BI]] : f32
// CHECK-DAG: %[[KD:.+]] = arith.mulf %[[KEEP]], %[[D]] : f32
// CHECK-DAG: %[[BUF:.+]] = arith.addf %[[MB]], %[[KD]] : f32
// CHECK-DAG: memref.store %[[BUF]], %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[MBUF:.+]] = arith.mulf %[[MOMENTUM]], %[[BUF]] : f32
// CHECK-DAG: %[[STEP:.+]] = arith.addf %[[D]], %[[MBUF]] : f32
// CHECK-DAG: %[[LSTEP:.+]] = arith.mulf %[[LR]], %[[STEP]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.subf %[[WI]], %[[LSTEP]] : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<8xf32>
// b: slot 0 at its own offset, coefficient 2.
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: arith.mulf %[[WD_BN]], %{{.+}} : f32
// CHECK-DAG: memref.store %{{.+}}, %[[S0]][%[[I]]] : memref<4xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<4xf32>
// CHECK: return
// APPLY-LABEL: module @nesterov
// APPLY-LABEL: func.func @trainc_apply_update(
// APPLY-SAME: memref<128xi8> {train.role = #train.role<state>}
module @nesterov attributes {train.optimizer = "nesterov", train.buckets = [{bytes = 128 : i64, params = ["w", "b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<2x4xf32> {train.param = "w"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<2x4xf32> {train.grad = "w"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %dw = train.relu %w : tensor<2x4xf32>
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 0
  train.allreduce_wait 0 "mean" fused
  train.optimizer_update 0 "nesterov" fused "mean"
  return %loss, %dw, %db : tensor<f32>, tensor<2x4xf32>, tensor<4xf32>
}
}

// -----
// adagrad: one slot, the sum of squares; s += d^2, w -= lr d / (sqrt(s) +
// eps) with eps coefficient 10.
// CHECK-LABEL: module @adagrad
// CHECK-SAME: state_bytes = 128, {{.+}}, optimizer = "adagrad",
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<128xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// CHECK: call @trainc_rt_allreduce_wait(%arg0, 
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: arith.divf %{{.+}}, %{{.+}} : f32
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[LR:.+]] = memref.load %[[H]][%c0{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD_BN:.+]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[EPS:.+]] = memref.load %[[H]][%c10{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %{{.+}}, %[[DECAY]] : f32
// CHECK-DAG: %[[OLD:.+]] = memref.load %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[SQ:.+]] = arith.mulf %[[D]], %[[D]] : f32
// CHECK-DAG: %[[SUMSQ:.+]] = arith.addf %[[OLD]], %[[SQ]] : f32
// CHECK-DAG: memref.store %[[SUMSQ]], %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[ROOT:.+]] = math.sqrt %[[SUMSQ]] : f32
// CHECK-DAG: %[[DENOM:.+]] = arith.addf %[[ROOT]], %[[EPS]] : f32
// CHECK-DAG: %[[Q:.+]] = arith.divf %[[D]], %[[DENOM]] : f32
// CHECK-DAG: %[[LSTEP:.+]] = arith.mulf %[[LR]], %[[Q]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.subf %[[WI]], %[[LSTEP]] : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: arith.mulf %[[WD_BN]], %{{.+}} : f32
// CHECK-DAG: memref.store %{{.+}}, %[[S0]][%[[I]]] : memref<4xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<4xf32>
// CHECK: return
// APPLY-LABEL: module @adagrad
// APPLY-LABEL: func.func @trainc_apply_update(
// APPLY-SAME: memref<128xi8> {train.role = #train.role<state>}
module @adagrad attributes {train.optimizer = "adagrad", train.buckets = [{bytes = 128 : i64, params = ["w", "b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<2x4xf32> {train.param = "w"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<2x4xf32> {train.grad = "w"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %dw = train.relu %w : tensor<2x4xf32>
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 0
  train.allreduce_wait 0 "mean" fused
  train.optimizer_update 0 "adagrad" fused "mean"
  return %loss, %dw, %db : tensor<f32>, tensor<2x4xf32>, tensor<4xf32>
}
}

// -----
// rmsprop: three slots (state_bytes 384). The uniform flags centered (11)
// and has_momentum (12) pick one of four loops per parameter outside the
// loops; each variant views all three slots but touches only its own:
// slot 0 always, slot 2 when centered, slot 1 with momentum.
// CHECK-LABEL: module @rmsprop
// CHECK-SAME: state_bytes = 384, {{.+}}, optimizer = "rmsprop",
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<384xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// CHECK: call @trainc_rt_allreduce_wait(%arg0, 
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: arith.divf %{{.+}}, %{{.+}} : f32
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[LR:.+]] = memref.load %[[H]][%c0{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD_BN:.+]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[MOMENTUM:.+]] = memref.load %[[H]][%c5{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[ALPHA:.+]] = memref.load %[[H]][%c7{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[KEEP2:.+]] = memref.load %[[H]][%c8{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[EPS:.+]] = memref.load %[[H]][%c10{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[CENTERED_F:.+]] = memref.load %[[H]][%c11{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[HAS_MOMENTUM_F:.+]] = memref.load %[[H]][%c12{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[CENTERED:.+]] = arith.cmpf one, %[[CENTERED_F]], %[[ZERO:.+]] : f32
// CHECK-DAG: %[[HAS_MOMENTUM:.+]] = arith.cmpf one, %[[HAS_MOMENTUM_F]], %[[ZERO2:.+]] : f32
// CHECK-DAG: %[[ZERO]] = arith.constant 0.000000e+00 : f32
// CHECK-DAG: %[[ZERO2]] = arith.constant 0.000000e+00 : f32
// CHECK: scf.if %[[CENTERED]] {
// CHECK: scf.if %[[HAS_MOMENTUM]] {
// Centered, with momentum: s (slot 0), a (slot 2), q = sqrt(s - a^2) + eps,
// b = momentum b + d / q (slot 1), w -= lr b.
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<8xf32>
// CHECK-DAG: %[[S1:.+]] = memref.view %[[STATE]][%c128{{(_[0-9]+)?}}][] : memref<384xi8> to memref<8xf32>
// CHECK-DAG: %[[S2:.+]] = memref.view %[[STATE]][%c256{{(_[0-9]+)?}}][] : memref<384xi8> to memref<8xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %{{.+}}, %[[DECAY]] : f32
// CHECK-DAG: %[[SQ:.+]] = arith.mulf %[[D]], %[[D]] : f32
// CHECK-DAG: %[[OLD_S:.+]] = memref.load %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[KEPT_S:.+]] = arith.mulf %[[ALPHA]], %[[OLD_S]] : f32
// CHECK-DAG: %[[ADDED_S:.+]] = arith.mulf %[[KEEP2]], %[[SQ]] : f32
// CHECK-DAG: %[[S:.+]] = arith.addf %[[KEPT_S]], %[[ADDED_S]] : f32
// CHECK-DAG: memref.store %[[S]], %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[OLD_A:.+]] = memref.load %[[S2]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[KEPT_A:.+]] = arith.mulf %[[ALPHA]], %[[OLD_A]] : f32
// CHECK-DAG: %[[ADDED_A:.+]] = arith.mulf %[[KEEP2]], %[[D]] : f32
// CHECK-DAG: %[[AVG:.+]] = arith.addf %[[KEPT_A]], %[[ADDED_A]] : f32
// CHECK-DAG: memref.store %[[AVG]], %[[S2]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[AVG2:.+]] = arith.mulf %[[AVG]], %[[AVG]] : f32
// CHECK-DAG: %[[VAR:.+]] = arith.subf %[[S]], %[[AVG2]] : f32
// CHECK-DAG: %[[ROOT:.+]] = math.sqrt %[[VAR]] : f32
// CHECK-DAG: %[[DENOM:.+]] = arith.addf %[[ROOT]], %[[EPS]] : f32
// CHECK-DAG: %[[Q:.+]] = arith.divf %[[D]], %[[DENOM]] : f32
// CHECK-DAG: %[[OLD_B:.+]] = memref.load %[[S1]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[KEPT_B:.+]] = arith.mulf %[[MOMENTUM]], %[[OLD_B]] : f32
// CHECK-DAG: %[[BUF:.+]] = arith.addf %[[KEPT_B]], %[[Q]] : f32
// CHECK-DAG: memref.store %[[BUF]], %[[S1]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[LSTEP:.+]] = arith.mulf %[[LR]], %[[BUF]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.subf %[[WI]], %[[LSTEP]] : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<8xf32>
// b: the three slots at 64, 192, 320; coefficient 2.
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c64{{(_[0-9]+)?}}][] : memref<384xi8> to memref<4xf32>
// CHECK-DAG: %[[S1:.+]] = memref.view %[[STATE]][%c192{{(_[0-9]+)?}}][] : memref<384xi8> to memref<4xf32>
// CHECK-DAG: %[[S2:.+]] = memref.view %[[STATE]][%c320{{(_[0-9]+)?}}][] : memref<384xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: arith.mulf %[[WD_BN]], %{{.+}} : f32
// CHECK-DAG: memref.store %{{.+}}, %[[S0]][%[[I]]] : memref<4xf32>
// CHECK-DAG: memref.store %{{.+}}, %[[S2]][%[[I]]] : memref<4xf32>
// CHECK-DAG: memref.store %{{.+}}, %[[S1]][%[[I]]] : memref<4xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<4xf32>
// Centered, no momentum: w -= lr d / q.
// CHECK: } else {
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<8xf32>
// CHECK-DAG: %[[S2:.+]] = memref.view %[[STATE]][%c256{{(_[0-9]+)?}}][] : memref<384xi8> to memref<8xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: memref.store %{{.+}}, %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: memref.store %[[AVG:.+]], %[[S2]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[AVG2:.+]] = arith.mulf %[[AVG]], %[[AVG]] : f32
// CHECK-DAG: %[[Q:.+]] = arith.divf %{{.+}}, %{{.+}} : f32
// CHECK-DAG: %[[LSTEP:.+]] = arith.mulf %[[LR]], %[[Q]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.subf %{{.+}}, %[[LSTEP]] : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<8xf32>
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// Not centered, with momentum: q = sqrt(s) + eps, b = momentum b + d / q.
// CHECK: } else {
// CHECK: scf.if %[[HAS_MOMENTUM]] {
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<8xf32>
// CHECK-DAG: %[[S1:.+]] = memref.view %[[STATE]][%c128{{(_[0-9]+)?}}][] : memref<384xi8> to memref<8xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: memref.store %[[S:.+]], %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[ROOT:.+]] = math.sqrt %[[S]] : f32
// CHECK-DAG: %[[DENOM:.+]] = arith.addf %[[ROOT]], %[[EPS]] : f32
// CHECK-DAG: %[[Q:.+]] = arith.divf %{{.+}}, %[[DENOM]] : f32
// CHECK-DAG: %[[BUF:.+]] = arith.addf %{{.+}}, %[[Q]] : f32
// CHECK-DAG: memref.store %[[BUF]], %[[S1]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[LSTEP:.+]] = arith.mulf %[[LR]], %[[BUF]] : f32
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<8xf32>
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// Neither: slot 0 only, w -= lr d / (sqrt(s) + eps).
// CHECK: } else {
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<384xi8> to memref<8xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: memref.store %[[S:.+]], %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[ROOT:.+]] = math.sqrt %[[S]] : f32
// CHECK-DAG: %[[DENOM:.+]] = arith.addf %[[ROOT]], %[[EPS]] : f32
// CHECK-DAG: %[[Q:.+]] = arith.divf %{{.+}}, %[[DENOM]] : f32
// CHECK-DAG: %[[LSTEP:.+]] = arith.mulf %[[LR]], %[[Q]] : f32
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<8xf32>
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK: return
// Each variant views all three slots but touches only its own (w's
// kernels; b's follow the same code).
// UNTOUCHED-LABEL: module @rmsprop
// UNTOUCHED-LABEL: func.func @trainc_train_step(
// UNTOUCHED-SAME: %[[STATE:[^:]+]]: memref<384xi8> {train.role = #train.role<state>}
// Past the wait and the early-micro-step scf.if, to the variants. In each,
// w's loops (the chunked one that also sums the noise scale's squares, and
// the plain one) lie between w's views and b's (state + 64).
// UNTOUCHED: call @trainc_rt_allreduce_wait(
// UNTOUCHED: scf.if %{{.+}} {
// UNTOUCHED-NEXT: } else {
// The first variant (centered, with momentum) touches all three slots.
// Slot 1 is the momentum buffer, slot 2 the mean of the gradient.
// UNTOUCHED: memref.view %[[STATE]][%c128{{(_[0-9]+)?}}]
// UNTOUCHED: memref.view %[[STATE]][%c192{{(_[0-9]+)?}}]
// The second (centered, no momentum): not slot 1.
// UNTOUCHED: %[[S1:.+]] = memref.view %[[STATE]][%c128{{(_[0-9]+)?}}][] : memref<384xi8> to memref<8xf32>
// UNTOUCHED-NOT: %[[S1]][
// UNTOUCHED: memref.view %[[STATE]][%c64{{(_[0-9]+)?}}]
// The third (momentum, not centered): not slot 2.
// UNTOUCHED: %[[S2:.+]] = memref.view %[[STATE]][%c256{{(_[0-9]+)?}}][] : memref<384xi8> to memref<8xf32>
// UNTOUCHED-NOT: %[[S2]][
// UNTOUCHED: memref.view %[[STATE]][%c64{{(_[0-9]+)?}}]
// The fourth: neither.
// UNTOUCHED-DAG: %[[S1:.+]] = memref.view %[[STATE]][%c128{{(_[0-9]+)?}}][] : memref<384xi8> to memref<8xf32>
// UNTOUCHED-DAG: %[[S2:.+]] = memref.view %[[STATE]][%c256{{(_[0-9]+)?}}][] : memref<384xi8> to memref<8xf32>
// UNTOUCHED-NOT: %[[S1]][
// UNTOUCHED-NOT: %[[S2]][
// UNTOUCHED: memref.view %[[STATE]][%c64{{(_[0-9]+)?}}]
// APPLY-LABEL: module @rmsprop
// APPLY-LABEL: func.func @trainc_apply_update(
// APPLY-SAME: memref<384xi8> {train.role = #train.role<state>}
module @rmsprop attributes {train.optimizer = "rmsprop", train.buckets = [{bytes = 128 : i64, params = ["w", "b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<2x4xf32> {train.param = "w"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<2x4xf32> {train.grad = "w"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %dw = train.relu %w : tensor<2x4xf32>
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 0
  train.allreduce_wait 0 "mean" fused
  train.optimizer_update 0 "rmsprop" fused "mean"
  return %loss, %dw, %db : tensor<f32>, tensor<2x4xf32>, tensor<4xf32>
}
}

// -----
// adam: two slots (state_bytes 256), m and v; the denominator scales
// sqrt(v) by denom_scale (9) before eps (10), and w is multiplied by decay
// (3; 4 for the bias) before the step.
// CHECK-LABEL: module @adam
// CHECK-SAME: state_bytes = 256, {{.+}}, optimizer = "adam",
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<256xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// CHECK: call @trainc_rt_allreduce_wait(%arg0, 
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: arith.divf %{{.+}}, %{{.+}} : f32
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[LR:.+]] = memref.load %[[H]][%c0{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD_BN:.+]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[DECAY_W:.+]] = memref.load %[[H]][%c3{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[DECAY_BN:.+]] = memref.load %[[H]][%c4{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[BETA1:.+]] = memref.load %[[H]][%c5{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[KEEP1:.+]] = memref.load %[[H]][%c6{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[BETA2:.+]] = memref.load %[[H]][%c7{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[KEEP2:.+]] = memref.load %[[H]][%c8{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[DENOM_SCALE:.+]] = memref.load %[[H]][%c9{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[EPS:.+]] = memref.load %[[H]][%c10{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<8xf32>
// CHECK-DAG: %[[S1:.+]] = memref.view %[[STATE]][%c128{{(_[0-9]+)?}}][] : memref<256xi8> to memref<8xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %{{.+}}, %[[DECAY]] : f32
// CHECK-DAG: %[[OLD_M:.+]] = memref.load %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[KEPT_M:.+]] = arith.mulf %[[BETA1]], %[[OLD_M]] : f32
// CHECK-DAG: %[[ADDED_M:.+]] = arith.mulf %[[KEEP1]], %[[D]] : f32
// CHECK-DAG: %[[M:.+]] = arith.addf %[[KEPT_M]], %[[ADDED_M]] : f32
// CHECK-DAG: memref.store %[[M]], %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[SQ:.+]] = arith.mulf %[[D]], %[[D]] : f32
// CHECK-DAG: %[[OLD_V:.+]] = memref.load %[[S1]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[KEPT_V:.+]] = arith.mulf %[[BETA2]], %[[OLD_V]] : f32
// CHECK-DAG: %[[ADDED_V:.+]] = arith.mulf %[[KEEP2]], %[[SQ]] : f32
// CHECK-DAG: %[[V:.+]] = arith.addf %[[KEPT_V]], %[[ADDED_V]] : f32
// CHECK-DAG: memref.store %[[V]], %[[S1]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[ROOT:.+]] = math.sqrt %[[V]] : f32
// CHECK-DAG: %[[SCALED:.+]] = arith.mulf %[[ROOT]], %[[DENOM_SCALE]] : f32
// CHECK-DAG: %[[DENOM:.+]] = arith.addf %[[SCALED]], %[[EPS]] : f32
// CHECK-DAG: %[[SHRUNK:.+]] = arith.mulf %[[DECAY_W]], %[[WI]] : f32
// CHECK-DAG: %[[Q:.+]] = arith.divf %[[M]], %[[DENOM]] : f32
// CHECK-DAG: %[[LSTEP:.+]] = arith.mulf %[[LR]], %[[Q]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.subf %[[SHRUNK]], %[[LSTEP]] : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<8xf32>
// b: slots 0 and 1 at 64 and 192, weight decay 2 and decay 4.
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c64{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK-DAG: %[[S1:.+]] = memref.view %[[STATE]][%c192{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<4xf32>
// CHECK-DAG: arith.mulf %[[WD_BN]], %[[WI]] : f32
// CHECK-DAG: memref.store %{{.+}}, %[[S0]][%[[I]]] : memref<4xf32>
// CHECK-DAG: memref.store %{{.+}}, %[[S1]][%[[I]]] : memref<4xf32>
// CHECK-DAG: %[[SHRUNK:.+]] = arith.mulf %[[DECAY_BN]], %[[WI]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.subf %[[SHRUNK]], %{{.+}} : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<4xf32>
// CHECK: return
// APPLY-LABEL: module @adam
// APPLY-LABEL: func.func @trainc_apply_update(
// APPLY-SAME: memref<256xi8> {train.role = #train.role<state>}
module @adam attributes {train.optimizer = "adam", train.buckets = [{bytes = 128 : i64, params = ["w", "b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<2x4xf32> {train.param = "w"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<2x4xf32> {train.grad = "w"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %dw = train.relu %w : tensor<2x4xf32>
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 0
  train.allreduce_wait 0 "mean" fused
  train.optimizer_update 0 "adam" fused "mean"
  return %loss, %dw, %db : tensor<f32>, tensor<2x4xf32>, tensor<4xf32>
}
}

// -----
// adamw: the same IR as adam (the decoupled decay is in the coefficients
// the runtime computes: decay = 1 - lr wd, weight_decay = 0).
// CHECK-LABEL: module @adamw
// CHECK-SAME: state_bytes = 256, {{.+}}, optimizer = "adamw",
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<256xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// CHECK: call @trainc_rt_allreduce_wait(%arg0, 
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: arith.divf %{{.+}}, %{{.+}} : f32
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[LR:.+]] = memref.load %[[H]][%c0{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[DECAY_W:.+]] = memref.load %[[H]][%c3{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[DENOM_SCALE:.+]] = memref.load %[[H]][%c9{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[EPS:.+]] = memref.load %[[H]][%c10{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<8xf32>
// CHECK-DAG: %[[S1:.+]] = memref.view %[[STATE]][%c128{{(_[0-9]+)?}}][] : memref<256xi8> to memref<8xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[V:.+]] = memref.load %[[S1]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[ROOT:.+]] = math.sqrt %{{.+}} : f32
// CHECK-DAG: %[[SCALED:.+]] = arith.mulf %[[ROOT]], %[[DENOM_SCALE]] : f32
// CHECK-DAG: %[[DENOM:.+]] = arith.addf %[[SCALED]], %[[EPS]] : f32
// CHECK-DAG: %[[SHRUNK:.+]] = arith.mulf %[[DECAY_W]], %[[WI]] : f32
// CHECK-DAG: %[[Q:.+]] = arith.divf %{{.+}}, %[[DENOM]] : f32
// CHECK-DAG: %[[LSTEP:.+]] = arith.mulf %[[LR]], %[[Q]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.subf %[[SHRUNK]], %[[LSTEP]] : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<8xf32>
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK: return
// APPLY-LABEL: module @adamw
// APPLY-LABEL: func.func @trainc_apply_update(
// APPLY-SAME: memref<256xi8> {train.role = #train.role<state>}
module @adamw attributes {train.optimizer = "adamw", train.buckets = [{bytes = 128 : i64, params = ["w", "b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<2x4xf32> {train.param = "w"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<2x4xf32> {train.grad = "w"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %dw = train.relu %w : tensor<2x4xf32>
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 0
  train.allreduce_wait 0 "mean" fused
  train.optimizer_update 0 "adamw" fused "mean"
  return %loss, %dw, %db : tensor<f32>, tensor<2x4xf32>, tensor<4xf32>
}
}

// -----
// lars: one slot, the momentum buffer. Per parameter, a serial kernel (one
// iteration) sums w^2 and g^2 in f64 (finishing the mean and storing it
// back), computes the trust ratio and stores lr * tau into the update's
// scratch (one f32 per parameter, at arena 0); then the update kernel reads
// it and the finished gradient. The coefficients are host loads (the hyper
// argument is host memory), passed to the kernels as values.
// CHECK-LABEL: module @lars
// CHECK-SAME: state_bytes = 128, {{.+}}, optimizer = "lars",
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<64xi8> {train.role = #train.role<arena>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<128xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// CHECK-SAME: %[[STATS:[^:]+]]: memref<32xi8> {train.role = #train.role<stats>}
// CHECK: call @trainc_rt_allreduce_wait(%arg0, 
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: %[[SCALE:.+]] = arith.divf %{{.+}}, %{{.+}} : f32
// The deferred pass (DEFER), then the update.
// CHECK: scf.if %{{.+}} {
// CHECK: memref<{{[0-9]+}}xf64>
// CHECK: } else {
// CHECK-DAG: %[[TAUS:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<2xf32>
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// The squares are wanted for the noise scale (hyper 17) or the check
// (hyper 19), into the second stats table.
// CHECK-DAG: %[[NOISE_F:.+]] = memref.load %[[H]][%c17{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[NOISE:.+]] = arith.cmpf one, %[[NOISE_F]], %{{.+}} : f32
// CHECK-DAG: %[[CHECK_F:.+]] = memref.load %[[H]][%c19{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[CHECKS:.+]] = arith.cmpf one, %[[CHECK_F]], %{{.+}} : f32
// CHECK-DAG: %[[WANTED:.+]] = arith.ori %[[NOISE]], %[[CHECKS]] : i1
// CHECK-DAG: %[[TABLES:.+]] = memref.view %[[STATS]][%c0{{(_[0-9]+)?}}][] : memref<32xi8> to memref<4xf64>
// b's tau applies only if coefficient 2 is set (DECAYED).
// CHECK-DAG: %[[DECAYED:.+]] = arith.cmpf one, %[[WD_BN_F:.+]], %{{.+}} : f32
// CHECK-DAG: %[[WD_BN_F]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD_BN:.+]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[LR:.+]] = memref.load %[[H]][%c0{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[MOMENTUM:.+]] = memref.load %[[H]][%c5{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[EPS:.+]] = memref.load %[[H]][%c10{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[TRUST:.+]] = memref.load %[[H]][%c13{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// w: the serial kernel of its norms, finishing the mean, chunk by chunk
// (one chunk here), the norms carried on in order; with the noise scale
// measured, the chunk's squares of the finished gradient go to the second
// table (partial 0, at 2 + 0).
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c1{{(_[0-9]+)?}}) step
// CHECK: %[[SUMS:[^:]+]]:2 = scf.for %[[K:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c1{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[WSQ0:[a-z0-9_]+]] = %{{.+}}, %[[GSQ0:[a-z0-9_]+]] = %{{.+}}) -> (f64, f64) {
// CHECK: %[[INNER:[^:]+]]:3 = scf.for %[[I:[a-z0-9_]+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[WSQ:[a-z0-9_]+]] = %[[WSQ0]], %[[GSQ:[a-z0-9_]+]] = %[[GSQ0]], %{{.+}} = %{{.+}}) -> (f64, f64, f64) {
// CHECK-DAG: %[[SUM:.+]] = memref.load %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[GI:.+]] = arith.mulf %[[SUM]], %[[SCALE]] : f32
// CHECK-DAG: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[W64:.+]] = arith.extf %[[WI]] : f32 to f64
// CHECK-DAG: %[[G64:.+]] = arith.extf %[[GI]] : f32 to f64
// CHECK-DAG: %[[WSQ_I:.+]] = arith.mulf %[[W64]], %[[W64]] : f64
// CHECK-DAG: %[[WACC:.+]] = arith.addf %[[WSQ]], %[[WSQ_I]] fastmath<reassoc> : f64
// CHECK-DAG: %[[GSQ_I:.+]] = arith.mulf %[[G64]], %[[G64]] : f64
// CHECK-DAG: %[[GACC:.+]] = arith.addf %[[GSQ]], %[[GSQ_I]] fastmath<reassoc> : f64
// CHECK-DAG: scf.yield %[[WACC]], %[[GACC]], %{{.+}} : f64, f64, f64
// CHECK: scf.if %[[WANTED]] {
// CHECK-NEXT: %[[C2:.+]] = arith.constant 2 : index
// CHECK-NEXT: %[[AT:.+]] = arith.addi %[[K]], %[[C2]] : index
// CHECK-NEXT: memref.store %[[INNER]]#2, %[[TABLES]][%[[AT]]] : memref<4xf64>
// CHECK: scf.yield %[[INNER]]#0, %[[INNER]]#1 : f64, f64
// tau = trust |w| / (|g| + wd |w| + eps) when both norms are positive;
// lr * tau into the scratch's element 0.
// CHECK-DAG: %[[WROOT:.+]] = math.sqrt %[[SUMS]]#0 : f64
// CHECK-DAG: %[[WNORM:.+]] = arith.truncf %[[WROOT]] : f64 to f32
// CHECK-DAG: %[[GROOT:.+]] = math.sqrt %[[SUMS]]#1 : f64
// CHECK-DAG: %[[GNORM:.+]] = arith.truncf %[[GROOT]] : f64 to f32
// CHECK-DAG: %[[X:.+]] = arith.mulf %[[WD]], %[[WNORM]] : f32
// CHECK-DAG: %[[Y:.+]] = arith.addf %[[GNORM]], %[[X]] : f32
// CHECK-DAG: %[[DEN:.+]] = arith.addf %[[Y]], %[[EPS]] : f32
// CHECK-DAG: %[[NUM:.+]] = arith.mulf %[[TRUST]], %[[WNORM]] : f32
// CHECK-DAG: %[[WPOS:.+]] = arith.cmpf ogt, %[[WNORM]], %[[ZERO:.+]] : f32
// CHECK-DAG: %[[GPOS:.+]] = arith.cmpf ogt, %[[GNORM]], %[[ZERO]] : f32
// CHECK-DAG: %[[BOTH:.+]] = arith.andi %[[WPOS]], %[[GPOS]] : i1
// CHECK-DAG: %[[Q:.+]] = arith.divf %[[NUM]], %[[DEN]] : f32
// CHECK-DAG: %[[TAU:.+]] = arith.select %[[BOTH]], %[[Q]], %{{.+}} : f32
// CHECK-DAG: %[[LR_TAU:.+]] = arith.mulf %[[LR]], %[[TAU]] : f32
// CHECK: memref.store %[[LR_TAU]], %[[TAUS]][%c0{{(_[0-9]+)?}}] : memref<2xf32>
// b = momentum b + lr tau d (d from the finished gradient, read back);
// w -= b.
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[LT:.+]] = memref.load %[[TAUS]][%c0{{(_[0-9]+)?}}] : memref<2xf32>
// CHECK-DAG: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK-DAG: %[[OLD:.+]] = memref.load %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[KEPT:.+]] = arith.mulf %[[MOMENTUM]], %[[OLD]] : f32
// CHECK-DAG: %[[ADDED:.+]] = arith.mulf %[[LT]], %[[D]] : f32
// CHECK-DAG: %[[BUF:.+]] = arith.addf %[[KEPT]], %[[ADDED]] : f32
// CHECK-DAG: memref.store %[[BUF]], %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[NEW:.+]] = arith.subf %[[WI]], %[[BUF]] : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<8xf32>
// b: its own pair of kernels with wd = coefficient 2, and tau only if that
// is set; its scale is the scratch's element 1.
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c1{{(_[0-9]+)?}}) step
// CHECK: %[[SUMS:[^:]+]]:2 = scf.for %{{.+}} = %c0{{(_[0-9]+)?}} to %c1{{(_[0-9]+)?}} step
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step {{.+}} -> (f64, f64, f64) {
// CHECK: arith.addi %{{.+}}, %c3{{(_[0-9]+)?}} : index
// CHECK-NEXT: memref.store %{{.+}} : memref<4xf64>
// CHECK-DAG: %[[WNORM:.+]] = arith.truncf %{{.+}} : f64 to f32
// CHECK-DAG: arith.mulf %[[WD_BN]], %[[WNORM]] : f32
// CHECK-DAG: %[[TAU:.+]] = arith.select %{{.+}}, %{{.+}}, %{{.+}} : f32
// CHECK-DAG: %[[TAU_B:.+]] = arith.select %[[DECAYED]], %[[TAU]], %{{.+}} : f32
// CHECK-DAG: %[[LR_TAU:.+]] = arith.mulf %[[LR]], %[[TAU_B]] : f32
// CHECK: memref.store %[[LR_TAU]], %[[TAUS]][%c1{{(_[0-9]+)?}}] : memref<2xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[LT:.+]] = memref.load %[[TAUS]][%c1{{(_[0-9]+)?}}] : memref<2xf32>
// CHECK-DAG: arith.mulf %[[LT]], %{{.+}} : f32
// CHECK-DAG: memref.store %{{.+}}, %[[S0]][%[[I]]] : memref<4xf32>
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<4xf32>
// CHECK: return
// trainc_apply_update takes an activation arena for the same scratch.
// APPLY-LABEL: module @lars
// APPLY-LABEL: func.func @trainc_apply_update(
// APPLY-SAME: memref<128xi8> {train.role = #train.role<state>}
// APPLY-SAME: memref<8xi8> {train.role = #train.role<arena>}
module @lars attributes {train.optimizer = "lars", train.buckets = [{bytes = 128 : i64, params = ["w", "b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<2x4xf32> {train.param = "w"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<2x4xf32> {train.grad = "w"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %dw = train.relu %w : tensor<2x4xf32>
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 0
  train.allreduce_wait 0 "mean" fused
  train.optimizer_update 0 "lars" fused "mean"
  return %loss, %dw, %db : tensor<f32>, tensor<2x4xf32>, tensor<4xf32>
}
}

// -----
// lamb: two slots, m and v of the gradient. Per parameter, a serial kernel
// (one iteration) updates and stores both moments, builds u = m_scale m /
// (sqrt(v) denom_scale + eps) + wd w, sums |w|^2 and |u|^2 in f64 and
// stores lr r, r = |w| / |u| when both are positive, in the update's
// scratch; the update kernel reloads m and v (not the gradient), rebuilds u
// and steps by lr r u.
// CHECK-LABEL: module @lamb
// CHECK-SAME: state_bytes = 256, {{.+}}, optimizer = "lamb",
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<128xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<128xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<64xi8> {train.role = #train.role<arena>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<256xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// CHECK: call @trainc_rt_allreduce_wait(%arg0, 
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: %[[SCALE:.+]] = arith.divf %{{.+}}, %{{.+}} : f32
// The deferred pass (DEFER), then the update.
// CHECK: scf.if %{{.+}} {
// CHECK: memref<{{[0-9]+}}xf64>
// CHECK: } else {
// CHECK-DAG: %[[RS:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<64xi8> to memref<2xf32>
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[LR:.+]] = memref.load %[[H]][%c0{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD_BN:.+]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[BETA1:.+]] = memref.load %[[H]][%c5{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[KEEP1:.+]] = memref.load %[[H]][%c6{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[BETA2:.+]] = memref.load %[[H]][%c7{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[KEEP2:.+]] = memref.load %[[H]][%c8{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[DENOM_SCALE:.+]] = memref.load %[[H]][%c9{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[EPS:.+]] = memref.load %[[H]][%c10{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[M_SCALE:.+]] = memref.load %[[H]][%c14{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<8xf32>
// CHECK-DAG: %[[S1:.+]] = memref.view %[[STATE]][%c128{{(_[0-9]+)?}}][] : memref<256xi8> to memref<8xf32>
// The kernel runs chunk by chunk (one chunk here), the sums carried on in
// order, the chunk's squares of the finished gradient summed beside them
// for the noise scale (partial 0 of the second table, at 2 + 0).
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c1{{(_[0-9]+)?}}) step
// CHECK: %[[SUMS:[^:]+]]:2 = scf.for %[[K:[a-z0-9_]+]] = %c0{{(_[0-9]+)?}} to %c1{{(_[0-9]+)?}} step %{{.+}} iter_args(%[[WSQ0:[a-z0-9_]+]] = %{{.+}}, %[[USQ0:[a-z0-9_]+]] = %{{.+}}) -> (f64, f64) {
// CHECK: %[[INNER:[^:]+]]:3 = scf.for %[[I:[a-z0-9_]+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[WSQ:[a-z0-9_]+]] = %[[WSQ0]], %[[USQ:[a-z0-9_]+]] = %[[USQ0]], %[[NSQ:[a-z0-9_]+]] = %{{.+}}) -> (f64, f64, f64) {
// CHECK-DAG: %[[SUM:.+]] = memref.load %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[GI:.+]] = arith.mulf %[[SUM]], %[[SCALE]] : f32
// CHECK-DAG: memref.store %[[GI]], %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[OLD_M:.+]] = memref.load %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[KEPT_M:.+]] = arith.mulf %[[BETA1]], %[[OLD_M]] : f32
// CHECK-DAG: %[[ADDED_M:.+]] = arith.mulf %[[KEEP1]], %[[GI]] : f32
// CHECK-DAG: %[[M:.+]] = arith.addf %[[KEPT_M]], %[[ADDED_M]] : f32
// CHECK-DAG: memref.store %[[M]], %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[SQ:.+]] = arith.mulf %[[GI]], %[[GI]] : f32
// CHECK-DAG: %[[OLD_V:.+]] = memref.load %[[S1]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[KEPT_V:.+]] = arith.mulf %[[BETA2]], %[[OLD_V]] : f32
// CHECK-DAG: %[[ADDED_V:.+]] = arith.mulf %[[KEEP2]], %[[SQ]] : f32
// CHECK-DAG: %[[V:.+]] = arith.addf %[[KEPT_V]], %[[ADDED_V]] : f32
// CHECK-DAG: memref.store %[[V]], %[[S1]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[ROOT:.+]] = math.sqrt %[[V]] : f32
// CHECK-DAG: %[[SCALED:.+]] = arith.mulf %[[ROOT]], %[[DENOM_SCALE]] : f32
// CHECK-DAG: %[[DENOM:.+]] = arith.addf %[[SCALED]], %[[EPS]] : f32
// CHECK-DAG: %[[MS:.+]] = arith.mulf %[[M_SCALE]], %[[M]] : f32
// CHECK-DAG: %[[ADAM:.+]] = arith.divf %[[MS]], %[[DENOM]] : f32
// CHECK-DAG: %[[L2:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[U:.+]] = arith.addf %[[ADAM]], %[[L2]] : f32
// CHECK-DAG: %[[U64:.+]] = arith.extf %[[U]] : f32 to f64
// CHECK-DAG: %[[W64:.+]] = arith.extf %[[WI]] : f32 to f64
// CHECK-DAG: %[[WSQ_I:.+]] = arith.mulf %[[W64]], %[[W64]] : f64
// CHECK-DAG: %[[WACC:.+]] = arith.addf %[[WSQ]], %[[WSQ_I]] fastmath<reassoc> : f64
// CHECK-DAG: %[[USQ_I:.+]] = arith.mulf %[[U64]], %[[U64]] : f64
// CHECK-DAG: %[[UACC:.+]] = arith.addf %[[USQ]], %[[USQ_I]] fastmath<reassoc> : f64
// CHECK-DAG: %[[G64:.+]] = arith.extf %[[GI]] : f32 to f64
// CHECK-DAG: %[[NSQ_I:.+]] = arith.mulf %[[G64]], %[[G64]] : f64
// CHECK-DAG: %[[NACC:.+]] = arith.addf %[[NSQ]], %[[NSQ_I]] fastmath<reassoc> : f64
// CHECK-DAG: scf.yield %[[WACC]], %[[UACC]], %[[NACC]] : f64, f64, f64
// CHECK: scf.if %{{.+}} {
// CHECK: %[[AT:.+]] = arith.addi %[[K]], %{{.+}} : index
// CHECK-NEXT: memref.store %[[INNER]]#2, %{{.+}}[%[[AT]]] : memref<4xf64>
// CHECK: scf.yield %[[INNER]]#0, %[[INNER]]#1 : f64, f64
// r = |w| / |u| when both are positive; lr * r into the scratch.
// CHECK-DAG: %[[WROOT:.+]] = math.sqrt %[[SUMS]]#0 : f64
// CHECK-DAG: %[[WNORM:.+]] = arith.truncf %[[WROOT]] : f64 to f32
// CHECK-DAG: %[[UROOT:.+]] = math.sqrt %[[SUMS]]#1 : f64
// CHECK-DAG: %[[UNORM:.+]] = arith.truncf %[[UROOT]] : f64 to f32
// CHECK-DAG: %[[WPOS:.+]] = arith.cmpf ogt, %[[WNORM]], %[[ZERO:.+]] : f32
// CHECK-DAG: %[[UPOS:.+]] = arith.cmpf ogt, %[[UNORM]], %[[ZERO]] : f32
// CHECK-DAG: %[[BOTH:.+]] = arith.andi %[[WPOS]], %[[UPOS]] : i1
// CHECK-DAG: %[[Q:.+]] = arith.divf %[[WNORM]], %[[UNORM]] : f32
// CHECK-DAG: %[[R:.+]] = arith.select %[[BOTH]], %[[Q]], %{{.+}} : f32
// CHECK-DAG: %[[LR_R0:.+]] = arith.mulf %[[LR]], %[[R]] : f32
// CHECK: memref.store %[[LR_R0]], %[[RS]][%c0{{(_[0-9]+)?}}] : memref<2xf32>
// The update: u rebuilt from the stored moments (not the gradient).
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[LR_R:.+]] = memref.load %[[RS]][%c0{{(_[0-9]+)?}}] : memref<2xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[M:.+]] = memref.load %[[S0]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[V:.+]] = memref.load %[[S1]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[ROOT:.+]] = math.sqrt %[[V]] : f32
// CHECK-DAG: %[[SCALED:.+]] = arith.mulf %[[ROOT]], %[[DENOM_SCALE]] : f32
// CHECK-DAG: %[[DENOM:.+]] = arith.addf %[[SCALED]], %[[EPS]] : f32
// CHECK-DAG: %[[MS:.+]] = arith.mulf %[[M_SCALE]], %[[M]] : f32
// CHECK-DAG: %[[ADAM:.+]] = arith.divf %[[MS]], %[[DENOM]] : f32
// CHECK-DAG: %[[L2:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[U:.+]] = arith.addf %[[ADAM]], %[[L2]] : f32
// CHECK-DAG: %[[STEP:.+]] = arith.mulf %[[LR_R]], %[[U]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.subf %[[WI]], %[[STEP]] : f32
// CHECK-NOT: memref.load %[[GV]]
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<8xf32>
// b: slots 0 and 1 at 64 and 192; u's decay is coefficient 2 in both
// passes; its r at the scratch's element 1.
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: %[[S0:.+]] = memref.view %[[STATE]][%c64{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK-DAG: %[[S1:.+]] = memref.view %[[STATE]][%c192{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c1{{(_[0-9]+)?}}) step
// CHECK-DAG: arith.mulf %[[WD_BN]], %{{.+}} : f32
// CHECK: memref.store %{{.+}}, %[[RS]][%c1{{(_[0-9]+)?}}] : memref<2xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: memref.load %[[RS]][%c1{{(_[0-9]+)?}}] : memref<2xf32>
// CHECK-DAG: memref.load %[[S0]][%[[I]]] : memref<4xf32>
// CHECK-DAG: memref.load %[[S1]][%[[I]]] : memref<4xf32>
// CHECK-DAG: arith.mulf %[[WD_BN]], %{{.+}} : f32
// CHECK: memref.store %{{.+}}, %[[WV]][%[[I]]] : memref<4xf32>
// CHECK: return
// APPLY-LABEL: module @lamb
// APPLY-LABEL: func.func @trainc_apply_update(
// APPLY-SAME: memref<256xi8> {train.role = #train.role<state>}
// APPLY-SAME: memref<8xi8> {train.role = #train.role<arena>}
module @lamb attributes {train.optimizer = "lamb", train.buckets = [{bytes = 128 : i64, params = ["w", "b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<2x4xf32> {train.param = "w"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<2x4xf32> {train.grad = "w"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %dw = train.relu %w : tensor<2x4xf32>
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 0
  train.allreduce_wait 0 "mean" fused
  train.optimizer_update 0 "lamb" fused "mean"
  return %loss, %dw, %db : tensor<f32>, tensor<2x4xf32>, tensor<4xf32>
}
}

// -----
// nlcg (Optimizers.cpp: NlcgEmitter; runtime/train/Nlcg.h): three slots,
// h (0), d (1), g_prev (2), then the scalars (32 f64): state_bytes =
// 3 param_bytes + 256. The update is the gather pass, train.optimizer_step
// (before the return) the rest; the phases are
// trainc_rt_nlcg_phase(phase, partials, buckets, loss, hyper, state +
// 3 param_bytes, derived). The partial-sum tables (gather 8 f64 per bucket,
// then precond 2 f64 per bucket) are the step's scratch in the activation
// arena, written by kernels; the derived coefficients (8 f32) are a host
// buffer that host code reads and the kernels get as values:
//   phase 0 ..... before the first gather kernel; no loss
//   gather ...... one serial kernel per bucket; per parameter, scf.if
//                 trust (13) > 0 (the layer scale: a norm pass finishing
//                 the mean, then the main pass scaled) else the main pass:
//                 one scf.for with 7 f64 sums (reassoc) storing G = g + wd w
//                 to the gradient; with y = G - g_prev, s = cs d (cs:
//                 derived[0]), P_prev = 1 / (h + eps): y's, s'(h s), G'G,
//                 G'g_prev, G'(P_prev g_prev), d'y, wd w'w; the bucket's
//                 sums into its row of the gather table
//   phase 1 ..... the gather table; no loss
//   precondition  scf.if reset (derived[1]) { h = 1, stored } else
//                 { scf.if update (derived[2]) { h = |h - ((h s)^2 + eps)
//                 c1 + (y^2 + eps) c2| (math.absf), stored } else { h as
//                 is, not stored } }; each a serial kernel per bucket
//                 summing G'PG and G'(P g_prev) into the precond table,
//                 P = 1 / (h + eps)
//   phase 2 ..... the precond table; the step's loss (result 0 of the
//                 step, in the output arena), not null
//   step ........ scf.parallel: d = ad d - az P G (slot 1), g_prev = G
//                 (slot 2), w += step d (az, ad, step: derived[5..7])
// @trainc_apply_update runs the same passes on plain gradients (no world)
// and gives phase 2 a null loss. nlcg.test checks the numbers against a
// float64 reference.
// CHECK-LABEL: module @nlcg
// CHECK-SAME: param_bytes = [[#P:128]],
// CHECK-SAME: state_bytes = [[#SB:mul(3,P)+256]], {{.+}}, optimizer = "nlcg",
// DECL-LABEL: module @nlcg
// DECL-DAG: func.func private @trainc_rt_nlcg_phase(!llvm.ptr, i32, !llvm.ptr, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr)
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<[[#P]]xi8> {train.role = #train.role<params>}, %[[GRADS:[^:]+]]: memref<[[#P]]xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<128xi8> {train.role = #train.role<arena>},
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<4xi8> {train.role = #train.role<output>},
// CHECK-SAME: %[[STATE:[^:]+]]: memref<[[#SB]]xi8> {train.role = #train.role<state>}, %[[HYPER:[^:]+]]: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>}
// CHECK: %[[DERIVED:.+]] = memref.alloca() {train.memory_space = #train.memory_space<host>} : memref<8xf32>
// CHECK: call @trainc_rt_allreduce_wait(%arg0, 
// The update in the else of the early-micro-step scf.if: the mean's scale,
// then phase 0 on the gather table (arena + 0), with no loss, before the
// gather kernel.
// CHECK: scf.if %{{.+}} {
// CHECK-NEXT: } else {
// CHECK: %[[SCALE:.+]] = arith.divf %{{.+}}, %{{.+}} : f32
// CHECK-DAG: %[[GATHER:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<8xf64>
// CHECK-DAG: %[[NULL0:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK-DAG: %[[H:.+]] = memref.view %[[HYPER]][%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<20xf32>
// CHECK-DAG: %[[T0_B:.+]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[T0_A:.+]] = arith.addi %[[T0_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[T0_I:.+]] = arith.index_cast %[[T0_A]] : index to i64
// CHECK-DAG: %[[T0:.+]] = llvm.inttoptr %[[T0_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[HP_B:.+]] = memref.extract_aligned_pointer_as_index %[[HYPER]] :
// CHECK-DAG: %[[HP_A:.+]] = arith.addi %[[HP_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[HP_I:.+]] = arith.index_cast %[[HP_A]] : index to i64
// CHECK-DAG: %[[HP:.+]] = llvm.inttoptr %[[HP_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[SP_A:.+]] = arith.addi %[[SP_B:.+]], %c[[#mul(3,P)]]{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[SP_B]] = memref.extract_aligned_pointer_as_index %[[STATE]] :
// CHECK-DAG: %[[SP_I:.+]] = arith.index_cast %[[SP_A]] : index to i64
// CHECK-DAG: %[[SP:.+]] = llvm.inttoptr %[[SP_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[DB:.+]] = memref.extract_aligned_pointer_as_index %[[DERIVED]] :
// CHECK-DAG: %[[DI:.+]] = arith.index_cast %[[DB]] : index to i64
// CHECK-DAG: %[[DP:.+]] = llvm.inttoptr %[[DI]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_nlcg_phase(%arg0, %c0_i32{{(_[0-9]+)?}}, %[[T0]], %c1_i32{{(_[0-9]+)?}}, %[[NULL0]], %[[HP]], %[[SP]], %[[DP]]) : (!llvm.ptr, i32, !llvm.ptr, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// Host loads of the coefficients: hyper 10 (eps), 1 (wd), 2
// (wd_bn_bias), 13 (trust); derived[0] (cs).
// CHECK-DAG: %[[EPS:.+]] = memref.load %[[H]][%c10{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD:.+]] = memref.load %[[H]][%c1{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[WD_BN:.+]] = memref.load %[[H]][%c2{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[TRUST:.+]] = memref.load %[[H]][%c13{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[CS:.+]] = memref.load %[[DERIVED]][%c0{{(_[0-9]+)?}}] : memref<8xf32>
// CHECK-DAG: %[[SCALED:.+]] = arith.cmpf ogt, %[[TRUST]], %{{.+}} : f32
// The bucket's gather kernel: one iteration; w (8 floats) then b (4).
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c1{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<8xf32>
// CHECK-DAG: %[[SH:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<[[#SB]]xi8> to memref<8xf32>
// CHECK-DAG: %[[SD:.+]] = memref.view %[[STATE]][%c[[#P]]{{(_[0-9]+)?}}][] : memref<[[#SB]]xi8> to memref<8xf32>
// CHECK-DAG: %[[SGP:.+]] = memref.view %[[STATE]][%c[[#mul(2,P)]]{{(_[0-9]+)?}}][] : memref<[[#SB]]xi8> to memref<8xf32>
// CHECK: %[[SUMS:[^:]+]]:7 = scf.if %[[SCALED]] -> (f64, f64, f64, f64, f64, f64, f64) {
// The layer scale: a norm pass (finishing the mean, and chunk by chunk
// summing its squares for the noise scale, partial 0 of the second table
// at 2 + 0), then the main pass on G scaled by the factor.
// CHECK: %{{[^:]+}}:2 = scf.for {{.+}} -> (f64, f64) {
// CHECK: %{{[^:]+}}:3 = scf.for {{.+}} -> (f64, f64, f64) {
// CHECK: arith.mulf %{{.+}}, %[[SCALE]] : f32
// CHECK: arith.addi %{{.+}}, %c2{{(_[0-9]+)?}} : index
// CHECK-NEXT: memref.store %{{.+}} : memref<4xf64>
// CHECK: %[[FACTOR:.+]] = arith.select
// CHECK: scf.for %[[I:[a-z0-9_]+]] = {{.+}} -> (f64, f64, f64, f64, f64, f64, f64) {
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[GI:.+]] = memref.load %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[TOTAL:.+]] = arith.addf %[[GI]], %[[DECAY]] : f32
// CHECK-DAG: %[[G:.+]] = arith.mulf %[[FACTOR]], %[[TOTAL]] : f32
// CHECK: memref.store %[[G]], %[[GV]][%[[I]]] : memref<8xf32>
// CHECK: } else {
// The main pass alone: the mean as it is loaded, G = g + wd w stored to
// the gradient, the 7 sums; y = G - g_prev, s = cs d, P_prev = 1 / (h +
// eps). Chunk by chunk (one here): beside the 7 sums, the squares of the
// mean for the noise scale.
// CHECK: %{{[^:]+}}:7 = scf.for %[[K:[a-z0-9_]+]] = {{.+}} -> (f64, f64, f64, f64, f64, f64, f64) {
// CHECK: %[[ACC:[^:]+]]:8 = scf.for %[[I:[a-z0-9_]+]] = {{.+}} iter_args(%[[YS:[a-z0-9_]+]] = %{{.+}}, %[[SHS:[a-z0-9_]+]] = %{{.+}}, %[[GG:[a-z0-9_]+]] = %{{.+}}, %[[GGP:[a-z0-9_]+]] = %{{.+}}, %[[GPGP:[a-z0-9_]+]] = %{{.+}}, %[[DY:[a-z0-9_]+]] = %{{.+}}, %[[DW2:[a-z0-9_]+]] = %{{.+}}, %[[NSQ:[a-z0-9_]+]] = %{{.+}}) -> (f64, f64, f64, f64, f64, f64, f64, f64) {
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[SUM:.+]] = memref.load %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[MEAN:.+]] = arith.mulf %[[SUM]], %[[SCALE]] : f32
// CHECK-DAG: %[[DECAY:.+]] = arith.mulf %[[WD]], %[[WI]] : f32
// CHECK-DAG: %[[TOTAL:.+]] = arith.addf %[[MEAN]], %[[DECAY]] : f32
// CHECK-DAG: %[[G:.+]] = arith.mulf %{{.+}}, %[[TOTAL]] : f32
// CHECK-DAG: memref.store %[[G]], %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[GP:.+]] = memref.load %[[SGP]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[HI:.+]] = memref.load %[[SH]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DI:.+]] = memref.load %[[SD]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[Y:.+]] = arith.subf %[[G]], %[[GP]] : f32
// CHECK-DAG: %[[SV:.+]] = arith.mulf %[[CS]], %[[DI]] : f32
// CHECK-DAG: %[[HS:.+]] = arith.mulf %[[HI]], %[[SV]] : f32
// CHECK-DAG: %[[HE:.+]] = arith.addf %[[HI]], %[[EPS]] : f32
// CHECK-DAG: %[[P_PREV:.+]] = arith.divf %{{.+}}, %[[HE]] : f32
// CHECK-DAG: %[[G64:.+]] = arith.extf %[[G]] : f32 to f64
// CHECK-DAG: %[[GP64:.+]] = arith.extf %[[GP]] : f32 to f64
// CHECK-DAG: %[[Y64:.+]] = arith.extf %[[Y]] : f32 to f64
// CHECK-DAG: %[[S64:.+]] = arith.extf %[[SV]] : f32 to f64
// CHECK-DAG: %[[HS64:.+]] = arith.extf %[[HS]] : f32 to f64
// CHECK-DAG: %[[D64:.+]] = arith.extf %[[DI]] : f32 to f64
// CHECK-DAG: %[[W64:.+]] = arith.extf %[[WI]] : f32 to f64
// CHECK-DAG: %[[P_PREV64:.+]] = arith.extf %[[P_PREV]] : f32 to f64
// CHECK-DAG: %[[PGP:.+]] = arith.mulf %[[P_PREV64]], %[[GP64]] : f64
// CHECK-DAG: %[[DW:.+]] = arith.mulf %{{.+}}, %[[W64]] : f64
// The sums: y's, s'(h s), G'G, G'g_prev, G'(P_prev g_prev), d'y, wd w'w.
// CHECK-DAG: %[[T0:.+]] = arith.mulf %[[Y64]], %[[S64]] : f64
// CHECK-DAG: %[[T1:.+]] = arith.mulf %[[S64]], %[[HS64]] : f64
// CHECK-DAG: %[[T2:.+]] = arith.mulf %[[G64]], %[[G64]] : f64
// CHECK-DAG: %[[T3:.+]] = arith.mulf %[[G64]], %[[GP64]] : f64
// CHECK-DAG: %[[T4:.+]] = arith.mulf %[[G64]], %[[PGP]] : f64
// CHECK-DAG: %[[T5:.+]] = arith.mulf %[[D64]], %[[Y64]] : f64
// CHECK-DAG: %[[T6:.+]] = arith.mulf %[[DW]], %[[W64]] : f64
// CHECK-DAG: %[[N0:.+]] = arith.addf %[[YS]], %[[T0]] fastmath<reassoc> : f64
// CHECK-DAG: %[[N1:.+]] = arith.addf %[[SHS]], %[[T1]] fastmath<reassoc> : f64
// CHECK-DAG: %[[N2:.+]] = arith.addf %[[GG]], %[[T2]] fastmath<reassoc> : f64
// CHECK-DAG: %[[N3:.+]] = arith.addf %[[GGP]], %[[T3]] fastmath<reassoc> : f64
// CHECK-DAG: %[[N4:.+]] = arith.addf %[[GPGP]], %[[T4]] fastmath<reassoc> : f64
// CHECK-DAG: %[[N5:.+]] = arith.addf %[[DY]], %[[T5]] fastmath<reassoc> : f64
// CHECK-DAG: %[[N6:.+]] = arith.addf %[[DW2]], %[[T6]] fastmath<reassoc> : f64
// CHECK-DAG: %[[M64:.+]] = arith.extf %[[MEAN]] : f32 to f64
// CHECK-DAG: %[[T7:.+]] = arith.mulf %[[M64]], %[[M64]] : f64
// CHECK-DAG: %[[N7:.+]] = arith.addf %[[NSQ]], %[[T7]] fastmath<reassoc> : f64
// CHECK: scf.yield %[[N0]], %[[N1]], %[[N2]], %[[N3]], %[[N4]], %[[N5]], %[[N6]], %[[N7]] : f64, f64, f64, f64, f64, f64, f64, f64
// CHECK: scf.if %{{.+}} {
// CHECK: %[[AT:.+]] = arith.addi %[[K]], %c2{{(_[0-9]+)?}} : index
// CHECK-NEXT: memref.store %[[ACC]]#7, %{{.+}}[%[[AT]]] : memref<4xf64>
// b's pass (4 floats; its decay is wd_bn_bias), then the bucket's sums,
// parameter by parameter, into row 0 of the gather table.
// CHECK: scf.if %[[SCALED]] -> (f64, f64, f64, f64, f64, f64, f64) {
// CHECK: arith.mulf %[[WD_BN]], %{{.+}} : f32
// CHECK-COUNT-7: memref.store %{{.+}}, %[[GATHER]][%c{{[0-6]}}{{(_[0-9]+)?}}] : memref<8xf64>
// CHECK: scf.reduce
// Phase 1 on the gather table, no loss; then the flags and coefficients
// it derived, read by host code.
// Also taken before it: the precond table (arena + 64), the loss's
// address and the step's eps.
// CHECK-DAG: %[[NULL1:.+]] = llvm.mlir.zero : !llvm.ptr
// CHECK-DAG: %[[EPS2:.+]] = memref.load %{{.+}}[%c10{{(_[0-9]+)?}}] : memref<20xf32>
// CHECK-DAG: %[[PRECOND:.+]] = memref.view %[[ARENA]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<2xf64>
// CHECK-DAG: %[[LOSS_B:.+]] = memref.extract_aligned_pointer_as_index %[[OUTPUT]] :
// CHECK-DAG: %[[LOSS_A:.+]] = arith.addi %[[LOSS_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[LOSS_I:.+]] = arith.index_cast %[[LOSS_A]] : index to i64
// CHECK-DAG: %[[LOSS:.+]] = llvm.inttoptr %[[LOSS_I]] : i64 to !llvm.ptr
// CHECK-DAG: %[[T1_B:.+]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[T1_A:.+]] = arith.addi %[[T1_B]], %c0{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[T1_I:.+]] = arith.index_cast %[[T1_A]] : index to i64
// CHECK-DAG: %[[T1:.+]] = llvm.inttoptr %[[T1_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_nlcg_phase(%arg0, %c1_i32{{(_[0-9]+)?}}, %[[T1]], %c1_i32{{(_[0-9]+)?}}, %[[NULL1]], %{{.+}}, %{{.+}}, %{{.+}}) : (!llvm.ptr, i32, !llvm.ptr, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// CHECK-DAG: %[[V1:.+]] = memref.load %[[DERIVED]][%c1{{(_[0-9]+)?}}] : memref<8xf32>
// CHECK-DAG: %[[RESET:.+]] = arith.cmpf one, %[[V1]], %{{.+}} : f32
// CHECK-DAG: %[[V2:.+]] = memref.load %[[DERIVED]][%c2{{(_[0-9]+)?}}] : memref<8xf32>
// CHECK-DAG: %[[UPDATE:.+]] = arith.cmpf one, %[[V2]], %{{.+}} : f32
// CHECK-DAG: %[[C1:.+]] = memref.load %[[DERIVED]][%c3{{(_[0-9]+)?}}] : memref<8xf32>
// CHECK-DAG: %[[C2:.+]] = memref.load %[[DERIVED]][%c4{{(_[0-9]+)?}}] : memref<8xf32>
// Reset: a serial kernel per bucket stores h = 1 and sums into precond.
// CHECK: scf.if %[[RESET]] {
// CHECK-DAG: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c1{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[SH:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<[[#SB]]xi8> to memref<8xf32>
// CHECK-DAG: scf.for %[[I:[a-z0-9_]+]] = {{.+}} iter_args(%[[RHO:[a-z0-9_]+]] = %{{.+}}, %[[CROSS:[a-z0-9_]+]] = %{{.+}}) -> (f64, f64) {
// CHECK-DAG: %[[HI:.+]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: memref.store %[[HI]], %[[SH]][%[[I]]] : memref<8xf32>
// CHECK-DAG: arith.addf %[[RHO]], %{{.+}} fastmath<reassoc> : f64
// CHECK-DAG: arith.addf %[[CROSS]], %{{.+}} fastmath<reassoc> : f64
// CHECK-COUNT-2: memref.store %{{.+}}, %[[PRECOND]][%c{{[01]}}{{(_[0-9]+)?}}] : memref<2xf64>
// CHECK: scf.reduce
// Update: h = |h - ((h s)^2 + eps) c1 + (y^2 + eps) c2|, stored.
// CHECK: } else {
// CHECK: scf.if %[[UPDATE]] {
// CHECK-DAG: %[[SH:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<[[#SB]]xi8> to memref<8xf32>
// CHECK-DAG: scf.for %[[I:[a-z0-9_]+]] = {{.+}} -> (f64, f64) {
// CHECK-DAG: %[[HS2:.+]] = arith.mulf %[[HS:.+]], %[[HS]] : f32
// CHECK-DAG: %[[X:.+]] = arith.addf %[[HS2]], %{{.+}} : f32
// CHECK-DAG: %[[SHRINK:.+]] = arith.mulf %[[X]], %[[C1]] : f32
// CHECK-DAG: %[[GROW:.+]] = arith.mulf %{{.+}}, %[[C2]] : f32
// CHECK-DAG: %[[HNEW:.+]] = math.absf %{{.+}} : f32
// CHECK: memref.store %[[HNEW]], %[[SH]][%[[I]]] : memref<8xf32>
// CHECK-COUNT-2: memref.store %{{.+}}, %[[PRECOND]][%c{{[01]}}{{(_[0-9]+)?}}] : memref<2xf64>
// Keep: h as it is, not stored.
// CHECK: } else {
// CHECK: scf.for {{.+}} -> (f64, f64) {
// CHECK-NOT: math.absf
// CHECK-NOT: memref.store {{.+}} : memref<{{4|8}}xf32>
// CHECK-COUNT-2: memref.store %{{.+}}, %[[PRECOND]][%c{{[01]}}{{(_[0-9]+)?}}] : memref<2xf64>
// Phase 2 on the precond table (arena + 64), with the step's loss (the
// output).
// CHECK-DAG: %[[T2_B:.+]] = memref.extract_aligned_pointer_as_index %[[ARENA]] :
// CHECK-DAG: %[[T2_A:.+]] = arith.addi %[[T2_B]], %c64{{(_[0-9]+)?}} : index
// CHECK-DAG: %[[T2_I:.+]] = arith.index_cast %[[T2_A]] : index to i64
// CHECK-DAG: %[[T2:.+]] = llvm.inttoptr %[[T2_I]] : i64 to !llvm.ptr
// CHECK: call @trainc_rt_nlcg_phase(%arg0, %c2_i32{{(_[0-9]+)?}}, %[[T2]], %c1_i32{{(_[0-9]+)?}}, %[[LOSS]], %{{.+}}, %{{.+}}, %{{.+}}) : (!llvm.ptr, i32, !llvm.ptr, i32, !llvm.ptr, !llvm.ptr, !llvm.ptr, !llvm.ptr) -> ()
// The step: a parallel kernel per parameter; P = 1 / (h + eps),
// d = ad d - az P G (slot 1), g_prev = G (slot 2), w += step d.
// CHECK-DAG: %[[AZ:.+]] = memref.load %[[DERIVED]][%c5{{(_[0-9]+)?}}] : memref<8xf32>
// CHECK-DAG: %[[AD:.+]] = memref.load %[[DERIVED]][%c6{{(_[0-9]+)?}}] : memref<8xf32>
// CHECK-DAG: %[[STEP:.+]] = memref.load %[[DERIVED]][%c7{{(_[0-9]+)?}}] : memref<8xf32>
// CHECK-DAG: %[[WV:.+]] = memref.view %[[PARAMS]][%c0{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<8xf32>
// CHECK-DAG: %[[GV:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<[[#P]]xi8> to memref<8xf32>
// CHECK-DAG: %[[SH:.+]] = memref.view %[[STATE]][%c0{{(_[0-9]+)?}}][] : memref<[[#SB]]xi8> to memref<8xf32>
// CHECK-DAG: %[[SD:.+]] = memref.view %[[STATE]][%c[[#P]]{{(_[0-9]+)?}}][] : memref<[[#SB]]xi8> to memref<8xf32>
// CHECK-DAG: %[[SGP:.+]] = memref.view %[[STATE]][%c[[#mul(2,P)]]{{(_[0-9]+)?}}][] : memref<[[#SB]]xi8> to memref<8xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[G:.+]] = memref.load %[[GV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[HI:.+]] = memref.load %[[SH]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DI:.+]] = memref.load %[[SD]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[WI:.+]] = memref.load %[[WV]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[HE:.+]] = arith.addf %[[HI]], %[[EPS2]] : f32
// CHECK-DAG: %[[PREC:.+]] = arith.divf %[[ONE:.+]], %[[HE]] : f32
// CHECK-DAG: %[[ONE]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[PG:.+]] = arith.mulf %[[PREC]], %[[G]] : f32
// CHECK-DAG: %[[FROM_Z:.+]] = arith.mulf %[[AZ]], %[[PG]] : f32
// CHECK-DAG: %[[FROM_D:.+]] = arith.mulf %[[AD]], %[[DI]] : f32
// CHECK-DAG: %[[D:.+]] = arith.subf %[[FROM_D]], %[[FROM_Z]] : f32
// CHECK-DAG: memref.store %[[D]], %[[SD]][%[[I]]] : memref<8xf32>
// CHECK-DAG: memref.store %[[G]], %[[SGP]][%[[I]]] : memref<8xf32>
// CHECK-DAG: %[[DELTA:.+]] = arith.mulf %[[STEP]], %[[D]] : f32
// CHECK-DAG: %[[NEW:.+]] = arith.addf %[[WI]], %[[DELTA]] : f32
// CHECK: memref.store %[[NEW]], %[[WV]][%[[I]]] : memref<8xf32>
// CHECK: scf.parallel (%{{.+}}) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK: return
// trainc_apply_update: the same passes on plain gradients, its tables at
// the start of its arena, and a null loss for phase 2.
// APPLY-LABEL: module @nlcg
// APPLY-LABEL: func.func @trainc_apply_update(
// APPLY-SAME: %{{[^:]+}}: memref<128xi8> {train.role = #train.role<params>}, %{{[^:]+}}: memref<128xi8> {train.role = #train.role<grads>},
// APPLY-SAME: %{{[^:]+}}: memref<640xi8> {train.role = #train.role<state>}, %{{[^:]+}}: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>},
// APPLY-SAME: %[[ARENA:[^:]+]]: memref<{{[0-9]+}}xi8> {train.role = #train.role<arena>})
// APPLY: memref.alloca() {train.memory_space = #train.memory_space<host>} : memref<8xf32>
// APPLY-NOT: trainc_rt_world
// APPLY: call @trainc_rt_nlcg_phase(%arg0, %c0_i32{{(_[0-9]+)?}},
// APPLY-NOT: trainc_rt_world
// APPLY-DAG: %[[NULL:.+]] = llvm.mlir.zero : !llvm.ptr
// APPLY: call @trainc_rt_nlcg_phase(%arg0, %c1_i32{{(_[0-9]+)?}},
// APPLY-NOT: trainc_rt_world
// APPLY: call @trainc_rt_nlcg_phase(%arg0, %c2_i32{{(_[0-9]+)?}}, %{{.+}}, %{{.+}}, %[[NULL]], %{{.+}}, %{{.+}}, %{{.+}})
// APPLY-NOT: trainc_rt_world
// APPLY: return
module @nlcg attributes {train.optimizer = "nlcg", train.buckets = [{bytes = 128 : i64, params = ["w", "b"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %w: tensor<2x4xf32> {train.param = "w", train.init = dense<1.0> : tensor<2x4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<2x4xf32> {train.param = "w"},
    %b: tensor<4xf32> {train.param = "b"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<2x4xf32> {train.grad = "w"}, tensor<4xf32> {train.grad = "b"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %dw = train.relu %w : tensor<2x4xf32>
  %db = train.relu %b : tensor<4xf32>
  train.allreduce_start 0
  train.allreduce_wait 0 "mean" fused
  train.optimizer_update 0 "nlcg" fused "mean"
  train.optimizer_step "nlcg"
  return %loss, %dw, %db : tensor<f32>, tensor<2x4xf32>, tensor<4xf32>
}
}

// -----

// Update ops in a module without train.optimizer: the state arena is sized
// by that attribute, so the lowering refuses them.
module @no_optimizer_attr attributes {train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  // expected-error @+1 {{the module's optimizer (train.optimizer) is not 'momentum' (run train-insert-optimizer)}}
  train.optimizer_update 0 "momentum"
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}

// -----

// An algorithm trainc does not have (train.Algorithm, the rows of
// trainc/optimizers.h): the update does not parse.
module @adamax attributes {train.optimizer = "adamax", train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  // expected-error @+1 {{custom op 'train.optimizer_update' invalid algorithm attribute specification: "adamax"}}
  train.optimizer_update 0 "adamax"
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}

// -----

// The same name as the module's optimizer, on a step with no update op:
// the step lowers, then trainc_apply_update (built for every module with
// train.optimizer) refuses it, at the step.
module @adamax_apply attributes {train.optimizer = "adamax", train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
// expected-error @+1 {{the module has no known optimizer (train.optimizer; run train-insert-optimizer)}}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}

// -----

// An update of a bucket the module does not have.
module @unknown_bucket attributes {train.optimizer = "momentum", train.buckets = [{bytes = 64 : i64, params = ["a"]}]} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  // expected-error @+1 {{no bucket 1}}
  train.optimizer_update 1 "momentum"
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}

// -----

// train.optimizer without train.buckets: trainc_apply_update, which
// updates bucket by bucket, has nothing to go by.
module @no_buckets attributes {train.optimizer = "momentum"} {
func.func @forward(%x: tensor<2x4xf32> {train.input = "input"},
    %a: tensor<4xf32> {train.param = "a", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %y = train.relu %x : tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
// expected-error @+1 {{the step has no train.buckets (run train-bucket-gradients first)}}
func.func @train_step(%x: tensor<2x4xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %a: tensor<4xf32> {train.param = "a"})
    -> (tensor<f32> {train.loss = "loss"}, tensor<4xf32> {train.grad = "a"}) {
  %loss = train.softmax_xent %x, %labels label_smoothing = 0.0 : tensor<2x4xf32>, tensor<2xi32>
  %d = train.relu %a : tensor<4xf32>
  return %loss, %d : tensor<f32>, tensor<4xf32>
}
}
