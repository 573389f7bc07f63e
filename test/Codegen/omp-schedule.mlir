// RUN: netrewrite-opt %s --pass-pipeline="builtin.module(scf-forall-to-parallel, convert-scf-to-openmp, netrewrite-omp-schedule)" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s

// A forall shared between threads: a static schedule, one share per thread
// (a dynamic one would call into libomp for every iteration).
// CHECK-LABEL: func.func @shared
// CHECK: omp.parallel {
// CHECK: omp.wsloop schedule(static)
// CHECK: } loc("shared")
func.func @shared(%a: memref<64x16xf32>) {
  %cst = arith.constant 1.0 : f32
  scf.forall (%i) in (64) {
    memref.store %cst, %a[%i, %i] : memref<64x16xf32>
  } loc("shared")
  return
}

// A forall netrewrite-schedule-cpu marked as too small to share (the marker
// is location metadata, which the conversions to scf.parallel and OpenMP
// keep): it runs on the calling thread, `if(false)`, statically scheduled,
// and the marker is gone.
// CHECK-LABEL: func.func @serial
// CHECK: %[[FALSE:.*]] = arith.constant false
// CHECK: omp.parallel if(%[[FALSE]]) {
// CHECK: omp.wsloop schedule(static)
// CHECK-NOT: netrewrite.serial_loop
// CHECK: } loc("small")
func.func @serial(%a: memref<64x16xf32>) {
  %cst = arith.constant 1.0 : f32
  scf.forall (%i) in (64) {
    memref.store %cst, %a[%i, %i] : memref<64x16xf32>
  } loc(fused<"netrewrite.serial_loop">["small"])
  return
}
