// RUN: netrewrite-opt %s -split-input-file -verify-diagnostics

func.func @bn_channel_mismatch(%x: tensor<1x4x4x3xf32>, %p: tensor<4xf32>) -> tensor<1x4x4x3xf32> {
  // expected-error @+1 {{has 4 parameters per statistic but the input has 3 channels (last axis)}}
  %0 = nr.batch_norm %x, %p, %p, %p, %p : tensor<1x4x4x3xf32>, tensor<4xf32>
  return %0 : tensor<1x4x4x3xf32>
}

// -----

func.func @bn_rank1(%x: tensor<3xf32>, %p: tensor<3xf32>) -> tensor<3xf32> {
  // expected-error @+1 {{expects an input of rank >= 2 (NC, NWC or NHWC), got rank 1}}
  %0 = nr.batch_norm %x, %p, %p, %p, %p : tensor<3xf32>, tensor<3xf32>
  return %0 : tensor<3xf32>
}

// -----

func.func @bn_eps(%x: tensor<1x3xf32>, %p: tensor<3xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{expects epsilon > 0, got 0}}
  %0 = nr.batch_norm %x, %p, %p, %p, %p {epsilon = 0.0 : f32} : tensor<1x3xf32>, tensor<3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @bn_momentum(%x: tensor<1x3xf32>, %p: tensor<3xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{expects momentum in [0, 1], got 1.5}}
  %0 = nr.batch_norm %x, %p, %p, %p, %p {momentum = 1.5 : f32} : tensor<1x3xf32>, tensor<3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @bn_param_rank(%x: tensor<1x3xf32>, %p: tensor<1x3xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{operand #1 must be 1D tensor of floating-point values}}
  %0 = "nr.batch_norm"(%x, %p, %p, %p, %p) : (tensor<1x3xf32>, tensor<1x3xf32>, tensor<1x3xf32>, tensor<1x3xf32>, tensor<1x3xf32>) -> tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @bn_param_dtype(%x: tensor<1x3xf32>, %p: tensor<3xf16>) -> tensor<1x3xf32> {
  // expected-error @+1 {{expects parameters with the input's element type 'f32', got 'f16'}}
  %0 = nr.batch_norm %x, %p, %p, %p, %p : tensor<1x3xf32>, tensor<3xf16>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @bn_result_type(%x: tensor<1x3xf32>, %p: tensor<3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{all of {input, output} have same type}}
  %0 = "nr.batch_norm"(%x, %p, %p, %p, %p) : (tensor<1x3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @dropout_rate_one(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{expects rate in [0, 1), got 1}}
  %0 = nr.dropout %x {rate = 1.0 : f32} : tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @dropout_rate_negative(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{expects rate in [0, 1), got -5.000000e-01}}
  %0 = nr.dropout %x {rate = -0.5 : f32} : tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @dropout_missing_rate(%x: tensor<1x3xf32>) -> tensor<1x3xf32> {
  // expected-error @+1 {{requires attribute 'rate'}}
  %0 = nr.dropout %x : tensor<1x3xf32>
  return %0 : tensor<1x3xf32>
}

// -----

func.func @dropout_int(%x: tensor<1x3xi32>) -> tensor<1x3xi32> {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %0 = nr.dropout %x {rate = 0.1 : f32} : tensor<1x3xi32>
  return %0 : tensor<1x3xi32>
}
