// A dense layer with a fused hard-swish as TosaBuilder emits it: weight and
// bias reach the matmul/add through rank-matching reshapes of constants, and
// hswish is x * (clamp(x + 3, 0, 6) * 1/6).
func.func @forward(%x: tensor<2x6xf32>) -> tensor<2x3xf32> {
  %zp = "tosa.const"() {values = dense<0.0> : tensor<1xf32>} : () -> tensor<1xf32> loc("fc1")
  %shift = "tosa.const"() {values = dense<0> : tensor<1xi8>} : () -> tensor<1xi8> loc("fc1")
  %s1 = tosa.const_shape {values = dense<[1, 2, 6]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("fc1")
  %x3 = tosa.reshape %x, %s1 : (tensor<2x6xf32>, !tosa.shape<3>) -> tensor<1x2x6xf32> loc("fc1")
  %w = "tosa.const"() {values = dense<[[0.5, -0.2, 0.3], [0.1, 0.4, -0.5], [-0.3, 0.2, 0.6], [0.7, -0.1, 0.2], [0.0, 0.3, -0.4], [0.2, 0.5, 0.1]]> : tensor<6x3xf32>} : () -> tensor<6x3xf32> loc("fc1")
  %s2 = tosa.const_shape {values = dense<[1, 6, 3]> : tensor<3xindex>} : () -> !tosa.shape<3> loc("fc1")
  %w3 = tosa.reshape %w, %s2 : (tensor<6x3xf32>, !tosa.shape<3>) -> tensor<1x6x3xf32> loc("fc1")
  %m = tosa.matmul %x3, %w3, %zp, %zp : (tensor<1x2x6xf32>, tensor<1x6x3xf32>, tensor<1xf32>, tensor<1xf32>) -> tensor<1x2x3xf32> loc("fc1")
  %s3 = tosa.const_shape {values = dense<[2, 3]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("fc1")
  %y = tosa.reshape %m, %s3 : (tensor<1x2x3xf32>, !tosa.shape<2>) -> tensor<2x3xf32> loc("fc1")
  %b = "tosa.const"() {values = dense<[0.1, -0.2, 0.3]> : tensor<3xf32>} : () -> tensor<3xf32> loc("fc1")
  %s4 = tosa.const_shape {values = dense<[1, 3]> : tensor<2xindex>} : () -> !tosa.shape<2> loc("fc1")
  %b2 = tosa.reshape %b, %s4 : (tensor<3xf32>, !tosa.shape<2>) -> tensor<1x3xf32> loc("fc1")
  %z = tosa.add %y, %b2 : (tensor<2x3xf32>, tensor<1x3xf32>) -> tensor<2x3xf32> loc("fc1")
  %three = "tosa.const"() {values = dense<3.0> : tensor<1x1xf32>} : () -> tensor<1x1xf32> loc("fc1")
  %a = tosa.add %z, %three : (tensor<2x3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32> loc("fc1")
  %c = tosa.clamp %a {min_val = 0.0 : f32, max_val = 6.0 : f32} : (tensor<2x3xf32>) -> tensor<2x3xf32> loc("fc1")
  %sixth = "tosa.const"() {values = dense<0.166666672> : tensor<1x1xf32>} : () -> tensor<1x1xf32> loc("fc1")
  %g = tosa.mul %c, %sixth, %shift : (tensor<2x3xf32>, tensor<1x1xf32>, tensor<1xi8>) -> tensor<2x3xf32> loc("fc1")
  %h = tosa.mul %z, %g, %shift : (tensor<2x3xf32>, tensor<2x3xf32>, tensor<1xi8>) -> tensor<2x3xf32> loc("fc1")
  return %h : tensor<2x3xf32>
}
