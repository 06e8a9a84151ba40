// RUN: trainc-opt %s -split-input-file -train-plan-memory -convert-train-to-loops | FileCheck %s
// RUN: trainc-opt %s -split-input-file -train-plan-memory | FileCheck %s --check-prefix=PLAN

// What convert-train-to-loops makes of a planned module as a whole
// (TrainToLoops.cpp): @train_step and @forward become @trainc_train_step and
// @trainc_eval_step on byte arenas, each argument named by train.role in the
// order of the C ABI (runtime/include/trainc/model.h); the model's
// description moves to the module's train.model; results their producer
// could not write in place are copied into their homes after the body.

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
// their arena, initial value and whether weight decay skips them (BatchNorm
// scale and shift, biases); the sizes, the input's shape and name, the
// number of classes (the logits' second dimension) and the output's name.
// CHECK-LABEL: module @model attributes {train.buffer_bytes = 128 : i64, train.model = {
// CHECK-SAME: arena_bytes = 4736 : i64, buffer_bytes = 128 : i64, input_name = "input",
// CHECK-SAME: input_shape = array<i64: 2, 3, 6, 6>, num_classes = 10 : i64, optimizer = "", output_name = "logits", param_bytes = 832 : i64,
// CHECK-SAME: tensors = [
// CHECK-SAME: {bn_or_bias = false, init = dense<5.000000e-01> : tensor<4x3x3x3xf32>, kind = 0 : i32, name = "conv.weight", offset = 0 : i64, shape = array<i64: 4, 3, 3, 3>},
// CHECK-SAME: {bn_or_bias = true, init = dense<1.000000e+00> : tensor<4xf32>, kind = 0 : i32, name = "bn.weight", offset = 448 : i64, shape = array<i64: 4>},
// CHECK-SAME: {bn_or_bias = true, init = dense<0.000000e+00> : tensor<4xf32>, kind = 0 : i32, name = "bn.bias", offset = 512 : i64, shape = array<i64: 4>},
// CHECK-SAME: {bn_or_bias = false, init = dense<0.000000e+00> : tensor<4xf32>, kind = 1 : i32, name = "bn.running_mean", offset = 0 : i64, shape = array<i64: 4>},
// CHECK-SAME: {bn_or_bias = false, init = dense<1.000000e+00> : tensor<4xf32>, kind = 1 : i32, name = "bn.running_var", offset = 64 : i64, shape = array<i64: 4>},
// CHECK-SAME: {bn_or_bias = false, init = dense<2.500000e-01> : tensor<10x4xf32>, kind = 0 : i32, name = "fc.weight", offset = 576 : i64, shape = array<i64: 10, 4>},
// CHECK-SAME: {bn_or_bias = true, init = dense<0.000000e+00> : tensor<10xf32>, kind = 0 : i32, name = "fc.bias", offset = 768 : i64, shape = array<i64: 10>}]}
// CHECK-SAME: train.param_bytes = 832 : i64}
// The tensor-level functions are gone.
// CHECK-NOT: func.func @forward
// CHECK-NOT: func.func @train_step
// trainc_train_step(params, grads, buffers, arena, input, labels, loss):
// gradients have the parameters' layout; the input is 2x3x6x6 floats, the
// labels 2 int32, the output the f32 loss.
// CHECK: func.func @trainc_train_step(
// CHECK-SAME: %arg0: memref<832xi8> {train.role = "params"},
// CHECK-SAME: %arg1: memref<832xi8> {train.role = "grads"},
// CHECK-SAME: %arg2: memref<128xi8> {train.role = "buffers"},
// CHECK-SAME: %arg3: memref<4736xi8> {train.role = "arena"},
// CHECK-SAME: %arg4: memref<864xi8> {train.role = "input"},
// CHECK-SAME: %arg5: memref<8xi8> {train.role = "labels"},
// CHECK-SAME: %arg6: memref<4xi8> {train.role = "output"},
// CHECK-SAME: %arg7: memref<0xi8> {train.role = "state"}, %arg8: memref<64xi8> {train.memory_space = "host", train.role = "hyper"}) {
// Every result was written in place: the body ends with the last kernel
// (the stem's filter gradient), no copy loop.
// CHECK: call @trainc_rt_conv2d_backward_filter
// CHECK-NEXT: return
// trainc_eval_step(params, buffers, arena, input, logits): 2x10 floats out.
// CHECK: func.func @trainc_eval_step(
// CHECK-SAME: %arg0: memref<832xi8> {train.role = "params"},
// CHECK-SAME: %arg1: memref<128xi8> {train.role = "buffers"},
// CHECK-SAME: %arg2: memref<4736xi8> {train.role = "arena"},
// CHECK-SAME: %arg3: memref<864xi8> {train.role = "input"},
// CHECK-SAME: %arg4: memref<80xi8> {train.role = "output"}) {
// The gemm writes the logits into the output (bias broadcast, then the call).
// CHECK: memref.view %arg4[%c0{{(_[0-9]+)?}}][] : memref<80xi8> to memref<2x10xf32>
// CHECK: call @trainc_rt_gemm
// CHECK-NEXT: return
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
// CHECK: func.func @trainc_train_step(
// CHECK-SAME: %[[PARAMS:[^:]+]]: memref<256xi8> {train.role = "params"},
// CHECK-SAME: %[[GRADS:[^:]+]]: memref<256xi8> {train.role = "grads"},
// CHECK-SAME: %[[BUFFERS:[^:]+]]: memref<128xi8> {train.role = "buffers"},
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<320xi8> {train.role = "arena"},
// The BatchNorm's loop nest ends with its output store.
// CHECK: memref.store {{.*}} : memref<2x4x1xf32>
// CHECK: scf.reduce
// update "s" <- running_mean_out.
// CHECK: %[[FROM:.+]] = memref.view %[[ARENA]][%c64{{(_[0-9]+)?}}][] : memref<320xi8> to memref<4xf32>
// CHECK-NEXT: %c64{{.*}} = arith.constant 64 : index
// CHECK-NEXT: %[[TO:.+]] = memref.view %[[BUFFERS]][%c64{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[FROM]][%[[I]]]
// CHECK-NEXT: memref.store %[[V]], %[[TO]][%[[I]]]
// update "m" <- running_var_out.
// CHECK: %[[FROM:.+]] = memref.view %[[ARENA]][%c128{{(_[0-9]+)?}}][] : memref<320xi8> to memref<4xf32>
// CHECK-NEXT: %c0{{.*}} = arith.constant 0 : index
// CHECK-NEXT: %[[TO:.+]] = memref.view %[[BUFFERS]][%c0{{(_[0-9]+)?}}][] : memref<128xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[FROM]][%[[I]]]
// CHECK-NEXT: memref.store %[[V]], %[[TO]][%[[I]]]
// The two reductions write their gradient slots (v, g) directly.
// CHECK: %[[DV:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<256xi8> to memref<1x4xf32>
// CHECK: memref.store %{{.+}}, %[[DV]]
// grad "w" <- grad "v".
// CHECK: %[[FROM:.+]] = memref.view %[[GRADS]][%c64{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK-NEXT: %c0{{.*}} = arith.constant 0 : index
// CHECK-NEXT: %[[TO:.+]] = memref.view %[[GRADS]][%c0{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[FROM]][%[[I]]]
// CHECK-NEXT: memref.store %[[V]], %[[TO]][%[[I]]]
// CHECK: %[[DG:.+]] = memref.view %[[GRADS]][%c128{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK: memref.store %{{.+}}, %[[DG]]
// grad "b" <- grad "g".
// CHECK: %[[FROM:.+]] = memref.view %[[GRADS]][%c128{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK-NEXT: %c192{{.*}} = arith.constant 192 : index
// CHECK-NEXT: %[[TO:.+]] = memref.view %[[GRADS]][%c192{{(_[0-9]+)?}}][] : memref<256xi8> to memref<4xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c4{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[FROM]][%[[I]]]
// CHECK-NEXT: memref.store %[[V]], %[[TO]][%[[I]]]
// CHECK: scf.reduce
// CHECK-NEXT: }
// CHECK-NEXT: return
// CHECK: func.func @trainc_eval_step(
// CHECK-SAME: %[[ARENA:[^:]+]]: memref<320xi8> {train.role = "arena"},
// CHECK-SAME: %[[OUTPUT:[^:]+]]: memref<32xi8> {train.role = "output"}) {
// CHECK: scf.parallel
// CHECK: %[[FROM:.+]] = memref.view %[[ARENA]][%c0{{(_[0-9]+)?}}][] : memref<320xi8> to memref<8xf32>
// CHECK-NEXT: %c0{{.*}} = arith.constant 0 : index
// CHECK-NEXT: %[[TO:.+]] = memref.view %[[OUTPUT]][%c0{{(_[0-9]+)?}}][] : memref<32xi8> to memref<8xf32>
// CHECK: scf.parallel (%[[I:.+]]) = (%c0{{(_[0-9]+)?}}) to (%c8{{(_[0-9]+)?}}) step
// CHECK-NEXT: %[[V:.+]] = memref.load %[[FROM]][%[[I]]]
// CHECK-NEXT: memref.store %[[V]], %[[TO]][%[[I]]]
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
