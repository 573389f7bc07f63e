// RUN: netrewrite-opt %s --netrewrite-outline-serial-loops --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// A forall marked serial becomes a call of a private function holding the
// same loop nest as scf.for loops; the constants it uses are cloned in (its
// bounds stay static), the buffers it uses are passed; the marker is gone.
// An unmarked forall stays.
// CHECK-LABEL: func.func private @f..loop.0(
// CHECK-SAME: %[[X:[^:]*]]: f32{{.*}}, %[[A:[^:]*]]: memref<64x16xf32>
// CHECK: arith.constant 2 : index
// CHECK: scf.for
// CHECK: memref.store %[[X]], %[[A]]
// CHECK: return
// CHECK-LABEL: func.func @f(
// CHECK-SAME: %[[A0:[^:]*]]: memref<64x16xf32>{{.*}}, %[[X0:[^:]*]]: f32
// CHECK: call @f..loop.0(%[[X0]], %[[A0]]) : (f32, memref<64x16xf32>) -> () loc("small")
// CHECK: scf.forall
// CHECK-NOT: netrewrite.serial_loop
func.func @f(%a: memref<64x16xf32>, %x: f32) {
  %c2 = arith.constant 2 : index
  scf.forall (%i) in (64) {
    memref.store %x, %a[%i, %c2] : memref<64x16xf32>
  } loc(fused<"netrewrite.serial_loop">["small"])
  scf.forall (%i) in (64) {
    memref.store %x, %a[%i, %i] : memref<64x16xf32>
  } loc("shared")
  return
}
