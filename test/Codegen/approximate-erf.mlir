// RUN: netrewrite-opt %s --netrewrite-approximate-erf | FileCheck %s
// RUN: netrewrite-opt %s --netrewrite-lower-cpu | FileCheck %s --check-prefix=LLVM

// math.erf -> |x|, a rational function (numerator and denominator by
// Horner's rule in FMAs, coefficients picked per interval of |x|), 1 beyond
// the last interval, the sign put back; nothing else changes.
// CHECK-LABEL: func.func @scalar
// CHECK-NOT: math.erf
// CHECK: %[[NEG:.*]] = arith.cmpf olt, %arg0
// CHECK: %[[ABS:.*]] = arith.select %[[NEG]], %{{.*}}, %arg0 : f32
// CHECK: math.fma %[[ABS]]
// CHECK: %[[Q:.*]] = arith.divf
// CHECK: %[[R:.*]] = arith.select {{.*}} : f32
// CHECK: %[[NR:.*]] = arith.negf %[[R]]
// CHECK: %[[ERF:.*]] = arith.select %[[NEG]], %[[NR]], %[[R]] : f32
// CHECK: %[[EXP:.*]] = math.exp %arg0
// CHECK: return %[[ERF]], %[[EXP]]
func.func @scalar(%x: f32) -> (f32, f32) {
  %0 = math.erf %x : f32
  %1 = math.exp %x : f32
  return %0, %1 : f32, f32
}

// Vectorised code gets the same approximation on vectors.
// CHECK-LABEL: func.func @vector
// CHECK-NOT: math.erf
// CHECK: math.fma {{.*}} : vector<8xf32>
// CHECK: arith.divf {{.*}} : vector<8xf32>
func.func @vector(%x: vector<8xf32>) -> vector<8xf32> {
  %0 = math.erf %x : vector<8xf32>
  return %0 : vector<8xf32>
}

// The CPU pipeline leaves no math.erf for convert-to-llvm.
// LLVM-LABEL: llvm.func @tensor
// LLVM-NOT: math.erf
// LLVM: llvm.return
func.func @tensor(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %0 = tosa.erf %x : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
