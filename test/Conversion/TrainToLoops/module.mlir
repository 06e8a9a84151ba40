// RUN: trainc-opt %s -split-input-file -train-plan-memory -train-describe-model -convert-train-to-loops | FileCheck %s
// RUN: trainc-opt %s -split-input-file -train-plan-memory | FileCheck %s --check-prefix=PLAN
// RUN: trainc-opt %s -split-input-file -train-plan-memory -train-describe-model -convert-train-to-loops | FileCheck %s --check-prefix=EVAL

// What convert-train-to-loops makes of a planned module as a whole
// (TrainToLoops.cpp): @train_step and @forward become @trainc_train_step and
// @trainc_eval_step on byte arenas, each argument named by train.role in the
// order of the C ABI (runtime/include/trainc/model.h); the model's
// description moves to the module's train.model; results their producer
// could not write in place are copied into their homes after the body.
//
// The checks follow the structure, not the order of SSA values nor that of
// the functions in the module: CHECK looks at the module's attributes and
// @trainc_train_step, EVAL (a second run) at @trainc_eval_step.

// @model: a convolution, a BatchNorm, a ReLU, global pooling and a linear
// head, as train-prepare-training and train-autodiff produce them. The plan
// (PLAN): 832 bytes of parameters, 128 of buffers; the eval step needs 2304
// bytes of activations, the train step 4736. The lowered functions share one
// arena of the larger size.
// PLAN-LABEL: module @model attributes {train.buffer_bytes = 128 : i64, train.param_bytes = 832 : i64}
// PLAN: func.func @forward({{.*}} attributes {train.arena_bytes = 2304 : i64}
// PLAN: func.func @train_step({{.*}} attributes {train.arena_bytes = 4736 : i64}

// The description: the tensors of @forward in argument order (the data
// input excepted) with their kind (0 parameter, 1 buffer), shape, offset in
// their arena, initial value, whether weight decay skips them (BatchNorm
// scale and shift, biases) and their role for --init (init_rule); the sizes, the input's shape and name, the
// number of classes (the logits' second dimension), the output's name, and
// the memory space of each field of trainc_step_args (trainc/abi.h; all 0,
// host, on the CPU target).
// CHECK-LABEL: module @model attributes {train.buffer_bytes = 128 : i64, train.model = #train.model<
// CHECK-SAME: tensors = [
// CHECK-SAME: #train.tensor<name = "conv.weight", kind = param, shape = [4, 3, 3, 3], offset = 0, init = dense<5.000000e-01> : tensor<4x3x3x3xf32>, bn_or_bias = false, init_rule = conv_weight>,
// CHECK-SAME: #train.tensor<name = "bn.weight", kind = param, shape = [4], offset = 448, init = dense<1.000000e+00> : tensor<4xf32>, bn_or_bias = true, init_rule = bn_scale>,
// CHECK-SAME: #train.tensor<name = "bn.bias", kind = param, shape = [4], offset = 512, init = dense<0.000000e+00> : tensor<4xf32>, bn_or_bias = true, init_rule = bn_shift>,
// CHECK-SAME: #train.tensor<name = "bn.running_mean", kind = buffer, shape = [4], offset = 0, init = dense<0.000000e+00> : tensor<4xf32>, bn_or_bias = false, init_rule = bn_mean>,
// CHECK-SAME: #train.tensor<name = "bn.running_var", kind = buffer, shape = [4], offset = 64, init = dense<1.000000e+00> : tensor<4xf32>, bn_or_bias = false, init_rule = bn_var>,
// CHECK-SAME: #train.tensor<name = "fc.weight", kind = param, shape = [10, 4], offset = 576, init = dense<2.500000e-01> : tensor<10x4xf32>, bn_or_bias = false, init_rule = linear_weight>,
// CHECK-SAME: #train.tensor<name = "fc.bias", kind = param, shape = [10], offset = 768, init = dense<0.000000e+00> : tensor<10xf32>, bn_or_bias = true, init_rule = bias>],
// CHECK-SAME: memory_spaces = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], param_bytes = 832, buffer_bytes = 128, state_bytes = 0, arena_bytes = 4736,
// CHECK-SAME: optimizer = "", input_shape = [2, 3, 6, 6], num_classes = 10, input_name = "input", output_name = "logits", source = "">,
// CHECK-SAME: train.param_bytes = 832 : i64}
// The tensor-level functions are gone (checked before and after the train
// step, so in the whole module).
// CHECK-NOT: func.func @forward(
// CHECK-NOT: func.func @train_step(
// trainc_train_step(context, params, grads, buffers, arena, input, labels,
// loss, state, hyper, accum, stats): the runtime's context, then the
// arenas; gradients have the parameters' layout; the input is 2x3x6x6
// floats, the labels 2 int32, the output the f32 loss; hyper the 20 floats
// of trainc_update_coeffs; accum (gradient accumulation) the parameters'
// bytes again; stats two tables of f64 partial sums, one per 8192-element
// chunk of each parameter (5 parameters of one chunk: 2 * 8 * 5 bytes).
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %arg0: !llvm.ptr {train.memory_space = #train.memory_space<host>, train.role = #train.role<context>},
// CHECK-SAME: %arg1: memref<832xi8> {train.role = #train.role<params>},
// CHECK-SAME: %arg2: memref<832xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %arg3: memref<128xi8> {train.role = #train.role<buffers>},
// CHECK-SAME: %arg4: memref<4736xi8> {train.role = #train.role<arena>},
// CHECK-SAME: %arg5: memref<864xi8> {train.role = #train.role<input>},
// CHECK-SAME: %arg6: memref<8xi8> {train.role = #train.role<labels>},
// CHECK-SAME: %arg7: memref<4xi8> {train.role = #train.role<output>},
// CHECK-SAME: %arg8: memref<0xi8> {train.role = #train.role<state>},
// CHECK-SAME: %arg9: memref<80xi8> {train.memory_space = #train.memory_space<host>, train.role = #train.role<hyper>},
// CHECK-SAME: %arg10: memref<832xi8> {train.role = #train.role<accum>},
// CHECK-SAME: %arg11: memref<80xi8> {train.role = #train.role<stats>}) {
// Every result was written in place: the body ends with the last kernel
// (the stem's filter gradient), no copy loop.
// CHECK: call @trainc_rt_conv2d_backward_filter(%arg0, 
// CHECK-NOT: scf.parallel
// CHECK: return
// CHECK-NOT: func.func @forward(
// CHECK-NOT: func.func @train_step(

// trainc_eval_step(context, params, buffers, arena, input, logits): 2x10
// floats out.
// EVAL-LABEL: module @model
// EVAL-LABEL: func.func @trainc_eval_step(
// EVAL-SAME: %arg0: !llvm.ptr {train.memory_space = #train.memory_space<host>, train.role = #train.role<context>},
// EVAL-SAME: %arg1: memref<832xi8> {train.role = #train.role<params>},
// EVAL-SAME: %arg2: memref<128xi8> {train.role = #train.role<buffers>},
// EVAL-SAME: %arg3: memref<4736xi8> {train.role = #train.role<arena>},
// EVAL-SAME: %arg4: memref<864xi8> {train.role = #train.role<input>},
// EVAL-SAME: %arg5: memref<80xi8> {train.role = #train.role<output>}) {
// The gemm writes the logits into the output: the bias fc.bias (params +
// 768) broadcast over the 2 rows, then the call, whose last operand (C) is
// the output's first byte; nothing after it.
// EVAL: call @trainc_rt_conv2d_forward(%arg0, 
// EVAL-DAG: %[[BIAS:.+]] = memref.view %arg1[%c768{{(_[0-9]+)?}}][] : memref<832xi8> to memref<10xf32>
// EVAL-DAG: %[[LOGITS:.+]] = memref.view %arg5[%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<2x10xf32>
// EVAL: scf.parallel (%[[N:[a-z0-9_]+]], %[[J:[a-z0-9_]+]]) = ({{.*}}) to (%c2{{(_[0-9]+)?}}, %c10{{(_[0-9]+)?}})
// EVAL: %[[B:.+]] = memref.load %[[BIAS]][%[[J]]]
// EVAL: memref.store %[[B]], %[[LOGITS]][%[[N]], %[[J]]]
// EVAL: scf.reduce
// EVAL-DAG: %[[CB:.+]] = memref.extract_aligned_pointer_as_index %arg5 : memref<80xi8> -> index
// EVAL-DAG: %[[CA:.+]] = arith.addi %[[CB]], %c0{{(_[0-9]+)?}} : index
// EVAL-DAG: %[[CI:.+]] = arith.index_cast %[[CA]] : index to i64
// EVAL-DAG: %[[C:.+]] = llvm.inttoptr %[[CI]] : i64 to !llvm.ptr
// EVAL: call @trainc_rt_gemm(%arg0, {{.*}}, %[[C]]) :
// EVAL-NOT: scf.parallel
// EVAL: return
module @model {
  func.func @forward(%arg0: tensor<2x3x6x6xf32> {train.input = "input"},
    %arg1: tensor<4x3x3x3xf32> {train.init = dense<5.000000e-01> : tensor<4x3x3x3xf32>, train.param = "conv.weight"},
    %arg2: tensor<4xf32> {train.init = dense<1.000000e+00> : tensor<4xf32>, train.param = "bn.weight"},
    %arg3: tensor<4xf32> {train.init = dense<0.000000e+00> : tensor<4xf32>, train.param = "bn.bias"},
    %arg4: tensor<4xf32> {train.buffer = "bn.running_mean", train.init = dense<0.000000e+00> : tensor<4xf32>},
    %arg5: tensor<4xf32> {train.buffer = "bn.running_var", train.init = dense<1.000000e+00> : tensor<4xf32>},
    %arg6: tensor<10x4xf32> {train.init = dense<2.500000e-01> : tensor<10x4xf32>, train.param = "fc.weight"},
    %arg7: tensor<10xf32> {train.init = dense<0.000000e+00> : tensor<10xf32>, train.param = "fc.bias"}) -> (tensor<2x10xf32> {train.output = "logits"}) {
    %0 = train.conv2d %arg0, %arg1 strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
    %1 = train.batch_norm_inference %0, %arg2, %arg3, %arg4, %arg5 epsilon = 9.99999974E-6 : tensor<2x4x6x6xf32>, tensor<4xf32>
    %2 = train.relu %1 : tensor<2x4x6x6xf32>
    %3 = train.global_avg_pool %2 : tensor<2x4x6x6xf32> -> tensor<2x4x1x1xf32>
    %4 = train.flatten %3 axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
    %5 = train.gemm %4, %arg6, %arg7 trans_a = false trans_b = true alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<2x4xf32>, tensor<10x4xf32>, tensor<10xf32>) -> tensor<2x10xf32>
    return %5 : tensor<2x10xf32>
  }
  func.func @train_step(%arg0: tensor<2x3x6x6xf32> {train.input = "input"},
    %arg1: tensor<2xi32> {train.labels = "labels"},
    %arg2: tensor<4x3x3x3xf32> {train.init = dense<5.000000e-01> : tensor<4x3x3x3xf32>, train.param = "conv.weight"},
    %arg3: tensor<4xf32> {train.init = dense<1.000000e+00> : tensor<4xf32>, train.param = "bn.weight"},
    %arg4: tensor<4xf32> {train.init = dense<0.000000e+00> : tensor<4xf32>, train.param = "bn.bias"},
    %arg5: tensor<4xf32> {train.buffer = "bn.running_mean", train.init = dense<0.000000e+00> : tensor<4xf32>},
    %arg6: tensor<4xf32> {train.buffer = "bn.running_var", train.init = dense<1.000000e+00> : tensor<4xf32>},
    %arg7: tensor<10x4xf32> {train.init = dense<2.500000e-01> : tensor<10x4xf32>, train.param = "fc.weight"},
    %arg8: tensor<10xf32> {train.init = dense<0.000000e+00> : tensor<10xf32>, train.param = "fc.bias"}) -> (tensor<f32> {train.loss = "loss"},
        tensor<4x3x3x3xf32> {train.grad = "conv.weight"},
        tensor<4xf32> {train.grad = "bn.weight"},
        tensor<4xf32> {train.grad = "bn.bias"},
        tensor<10x4xf32> {train.grad = "fc.weight"},
        tensor<10xf32> {train.grad = "fc.bias"},
        tensor<4xf32> {train.buffer_update = "bn.running_mean"},
        tensor<4xf32> {train.buffer_update = "bn.running_var"}) {
    %0 = train.conv2d %arg0, %arg2 strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x3x6x6xf32>, tensor<4x3x3x3xf32>) -> tensor<2x4x6x6xf32>
    %output, %running_mean_out, %running_var_out, %batch_mean, %batch_var = train.batch_norm %0, %arg3, %arg4, %arg5, %arg6 epsilon = 9.99999974E-6 momentum = 0.899999976 : tensor<2x4x6x6xf32>, tensor<4xf32>
    %1 = train.relu %output : tensor<2x4x6x6xf32>
    %2 = train.global_avg_pool %1 : tensor<2x4x6x6xf32> -> tensor<2x4x1x1xf32>
    %3 = train.flatten %2 axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
    %4 = train.gemm %3, %arg7, %arg8 trans_a = false trans_b = true alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<2x4xf32>, tensor<10x4xf32>, tensor<10xf32>) -> tensor<2x10xf32>
    %5 = train.softmax_xent %4, %arg1 label_smoothing = 0.000000e+00 : tensor<2x10xf32>, tensor<2xi32>
    %6 = train.constant dense<1.000000e+00> : tensor<f32>
    %7 = train.softmax_xent_backward %4, %arg1, %6 label_smoothing = 0.000000e+00 : tensor<2x10xf32>, tensor<2xi32>
    %8 = train.gemm %7, %arg7 trans_a = false trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<2x10xf32>, tensor<10x4xf32>) -> tensor<2x4xf32>
    %9 = train.gemm %7, %3 trans_a = true trans_b = false alpha = 1.000000e+00 beta = 1.000000e+00 : (tensor<2x10xf32>, tensor<2x4xf32>) -> tensor<10x4xf32>
    %10 = train.reduce_sum_to %7 : tensor<2x10xf32> -> tensor<10xf32>
    %11 = train.reshape %8 [2, 4, 1, 1] : tensor<2x4xf32> -> tensor<2x4x1x1xf32>
    %12 = train.global_avg_pool_backward %11 : tensor<2x4x1x1xf32> -> tensor<2x4x6x6xf32>
    %13 = train.relu_backward %12, %1 : tensor<2x4x6x6xf32>
    %grad_input, %grad_scale, %grad_bias = train.batch_norm_backward %13, %0, %arg3, %batch_mean, %batch_var epsilon = 9.99999974E-6 : tensor<2x4x6x6xf32>, tensor<4xf32>
    %14 = train.conv2d_backward_filter %grad_input, %arg0 strides = [1, 1] pads = [1, 1, 1, 1] dilations = [1, 1] groups = 1 : (tensor<2x4x6x6xf32>, tensor<2x3x6x6xf32>) -> tensor<4x3x3x3xf32>
    return %5, %14, %grad_scale, %grad_bias, %9, %10, %running_mean_out, %running_var_out : tensor<f32>, tensor<4x3x3x3xf32>, tensor<4xf32>, tensor<4xf32>, tensor<10x4xf32>, tensor<10xf32>, tensor<4xf32>, tensor<4xf32>
  }
}


// -----

// @copies: results whose producer cannot write them into their homes, each
// copied (one scf.parallel over its elements) right after the op that
// produces the value, so before any later all-reduce could start on its
// home (here: the BatchNorm's statistics, then the reshape, then the
// second reduction):
//   grad "w"  a reshape of grad "v"'s value: from grads + 64 (v) to grads + 0
//   grad "b"  the value already returned as grad "g": grads + 128 to + 192
//   update "m" / "s"  the BatchNorm's running statistics returned under
//             each other's names: from their arena slots (128: running_var,
//             64: running_mean) to buffers + 0 and + 64
//   (eval) the logits are a flatten of the relu's result: arena 0 -> output
// Parameters w 0, v 64, g 128, b 192; buffers m 0, s 64.
// PLAN-LABEL: module @copies
// PLAN: func.func @train_step(
// PLAN: train.batch_norm {{.*}} {train.slots = array<i64: 0, 64, 128, 192, 256>}

// CHECK-LABEL: module @copies
// CHECK-LABEL: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<256xi8> {train.role = #train.role<params>},
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<256xi8> {train.role = #train.role<grads>},
// CHECK-SAME: %[[BUFFERS:[^:]+]]: memref<128xi8> {train.role = #train.role<buffers>},
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<320xi8> {train.role = #train.role<arena>},
// The BatchNorm's kernel (one iteration per channel) writes its running
// statistics into their arena slots (mean 64, variance 128; the batch
// statistics at 192 and 256; normalization.mlir checks which value goes
// where) and ends with its output store.
// CHECK-DAG: %[[RM:.+]] = memref.view %[[ARENA]][%c64{{(_[0-9]+)?}}][] : memref<320xi8> to memref<4xf32>
// CHECK-DAG: %[[RV:.+]] = memref.view %[[ARENA]][%c128{{(_[0-9]+)?}}][] : memref<320xi8> to memref<4xf32>
// CHECK-DAG: %[[BM:.+]] = memref.view %[[ARENA]][%c192{{(_[0-9]+)?}}][] : memref<320xi8> to memref<4xf32>
// CHECK-DAG: %[[BV:.+]] = memref.view %[[ARENA]][%c256{{(_[0-9]+)?}}][] : memref<320xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[C:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: memref.store %{{.+}}, %[[RM]][%[[C]]] : memref<4xf32>
// CHECK-DAG: memref.store %{{.+}}, %[[RV]][%[[C]]] : memref<4xf32>
// CHECK-DAG: memref.store %{{.+}}, %[[BM]][%[[C]]] : memref<4xf32>
// CHECK-DAG: memref.store %{{.+}}, %[[BV]][%[[C]]] : memref<4xf32>
// CHECK: memref.store {{.*}} : memref<2x4x1xf32>
// CHECK: scf.reduce
// Then, before anything else, the two copies (in either order):
// update "s" <- running_mean_out (arena 64 -> buffers 64) and
// update "m" <- running_var_out (arena 128 -> buffers 0).
// CHECK-DAG: %[[FROM_S:.+]] = memref.view %[[ARENA]][%c64{{(_[0-9]+)?}}][] : memref<320xi8> to memref<4xf32>
// CHECK-DAG: %[[TO_S:.+]] = memref.view %[[BUFFERS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: scf.parallel (%[[I_S:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[V_S:.+]] = memref.load %[[FROM_S]][%[[I_S]]]
// CHECK-DAG: memref.store %[[V_S]], %[[TO_S]][%[[I_S]]]
// CHECK-DAG: %[[FROM_M:.+]] = memref.view %[[ARENA]][%c128{{(_[0-9]+)?}}][] : memref<320xi8> to memref<4xf32>
// CHECK-DAG: %[[TO_M:.+]] = memref.view %[[BUFFERS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK-DAG: scf.parallel (%[[I_M:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-DAG: %[[V_M:.+]] = memref.load %[[FROM_M]][%[[I_M]]]
// CHECK-DAG: memref.store %[[V_M]], %[[TO_M]][%[[I_M]]]
// The first reduction writes its gradient slot (v: grads + 64) directly...
// CHECK: %[[DV:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<256xi8> to memref<1x4xf32>
// CHECK: scf.parallel
// CHECK: memref.store %{{.+}}, %[[DV]]
// CHECK: scf.reduce
// ... then grad "w" <- grad "v" (grads + 64 -> grads + 0).
// CHECK-DAG: %[[FROM_W:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK-DAG: %[[TO_W:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK: %[[V:.+]] = memref.load %[[FROM_W]][%[[I]]]
// CHECK: memref.store %[[V]], %[[TO_W]][%[[I]]]
// CHECK: scf.reduce
// The second reduction writes g (grads + 128)...
// CHECK: %[[DG:.+]] = memref.view %[[GRADS]][%c128{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK: scf.parallel
// CHECK: memref.store %{{.+}}, %[[DG]]
// CHECK: scf.reduce
// ... then grad "b" <- grad "g" (grads + 128 -> grads + 192), the last
// kernel.
// CHECK-DAG: %[[FROM_B:.+]] = memref.view %[[GRADS]][%c128{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK-DAG: %[[TO_B:.+]] = memref.view %[[GRADS]][%c192{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK: %[[V:.+]] = memref.load %[[FROM_B]][%[[I]]]
// CHECK: memref.store %[[V]], %[[TO_B]][%[[I]]]
// CHECK: scf.reduce
// CHECK-NOT: scf.parallel
// CHECK: return

// The eval step: the relu into arena 0, then its copy into the output.
// EVAL-LABEL: module @copies
// EVAL-LABEL: func.func @trainc_eval_step(
// EVAL-SAME: %[[ARENA:[^:]+]]: memref<320xi8> {train.role = #train.role<arena>},
// EVAL-SAME: %[[OUTPUT:[^:]+]]: memref<32xi8> {train.role = #train.role<output>}) {
// EVAL-DAG: %[[R:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<320xi8> to memref<8xf32>
// EVAL: scf.parallel
// EVAL: arith.maximumf
// EVAL: memref.store %{{.+}}, %[[R]]
// EVAL: scf.reduce
// EVAL-DAG: %[[FROM:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<320xi8> to memref<8xf32>
// EVAL-DAG: %[[TO:.+]] = memref.view %[[OUTPUT]][%c0{{(_[0-9]+)?}}][] : memref<32xi8> to memref<8xf32>
// EVAL: scf.parallel (%[[I:[a-z0-9_]+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// EVAL: %[[V:.+]] = memref.load %[[FROM]][%[[I]]]
// EVAL: memref.store %[[V]], %[[TO]][%[[I]]]
// EVAL: scf.reduce
// EVAL-NOT: scf.parallel
// EVAL: return
module @copies {
func.func @forward(%x: tensor<2x4x1x1xf32> {train.input = "input"},
    %w: tensor<4xf32> {train.param = "w", train.init = dense<1.0> : tensor<4xf32>},
    %v: tensor<1x4xf32> {train.param = "v", train.init = dense<1.0> : tensor<1x4xf32>},
    %g: tensor<4xf32> {train.param = "g", train.init = dense<1.0> : tensor<4xf32>},
    %b: tensor<4xf32> {train.param = "b", train.init = dense<0.0> : tensor<4xf32>},
    %m: tensor<4xf32> {train.buffer = "m", train.init = dense<0.0> : tensor<4xf32>},
    %s: tensor<4xf32> {train.buffer = "s", train.init = dense<1.0> : tensor<4xf32>})
    -> (tensor<2x4xf32> {train.output = "logits"}) {
  %r = train.relu %x : tensor<2x4x1x1xf32>
  %f = train.flatten %r axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  return %f : tensor<2x4xf32>
}
func.func @train_step(%x: tensor<2x4x1x1xf32> {train.input = "input"},
    %labels: tensor<2xi32> {train.labels = "labels"},
    %w: tensor<4xf32> {train.param = "w"},
    %v: tensor<1x4xf32> {train.param = "v"},
    %g: tensor<4xf32> {train.param = "g"},
    %b: tensor<4xf32> {train.param = "b"},
    %m: tensor<4xf32> {train.buffer = "m"},
    %s: tensor<4xf32> {train.buffer = "s"})
    -> (tensor<4xf32> {train.grad = "w"}, tensor<1x4xf32> {train.grad = "v"},
        tensor<4xf32> {train.grad = "g"}, tensor<4xf32> {train.grad = "b"},
        tensor<4xf32> {train.buffer_update = "m"},
        tensor<4xf32> {train.buffer_update = "s"}) {
  %o, %rm, %rv, %bm, %bv = train.batch_norm %x, %g, %b, %m, %s epsilon = 1.0e-05 momentum = 0.9 : tensor<2x4x1x1xf32>, tensor<4xf32>
  %f = train.flatten %o axis = 1 : tensor<2x4x1x1xf32> -> tensor<2x4xf32>
  %dv = train.reduce_sum_to %f : tensor<2x4xf32> -> tensor<1x4xf32>
  %dw = train.reshape %dv [4] : tensor<1x4xf32> -> tensor<4xf32>
  %dg = train.reduce_sum_to %f : tensor<2x4xf32> -> tensor<4xf32>
  return %dw, %dv, %dg, %dg, %rv, %rm : tensor<4xf32>, tensor<1x4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>
}
}
