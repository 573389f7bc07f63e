// RUN: netrewrite-opt %s --split-input-file --pass-pipeline="builtin.module(func.func(netrewrite-prefetch-epilogue-loads))" | FileCheck %s

// A register tile: accumulation in a loop carrying vectors, then an
// epilogue that adds a residual read from memory. Each cache line of each
// epilogue load (32 floats: two lines) is prefetched before the loop.
// CHECK-LABEL: func.func @residual_epilogue
// CHECK-SAME: (%[[W:.*]]: memref<8x32xf32>, %[[R:.*]]: memref<2x32xf32>,
// CHECK-DAG: %[[C0:.*]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.*]] = arith.constant 1 : index
// CHECK: memref.prefetch %[[R]][%[[C0]], %[[C0]]], read, locality<3>, data
// CHECK: %[[C16:.*]] = arith.constant 16 : index
// CHECK: memref.prefetch %[[R]][%[[C0]], %[[C16]]], read, locality<3>, data
// CHECK: memref.prefetch %[[R]][%[[C1]], %[[C0]]], read, locality<3>, data
// CHECK: memref.prefetch %[[R]][%[[C1]], %{{.*}}], read, locality<3>, data
// CHECK-NOT: memref.prefetch
// CHECK: scf.for
// CHECK: vector.fma
// CHECK: scf.yield
// CHECK-NOT: memref.prefetch
// CHECK: vector.load %[[R]][%[[C0]], %[[C0]]]
func.func @residual_epilogue(%w: memref<8x32xf32>, %r: memref<2x32xf32>, %out: memref<2x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %acc:2 = scf.for %k = %c0 to %c8 step %c1 iter_args(%a = %zero, %b = %zero) -> (vector<32xf32>, vector<32xf32>) {
    %v = vector.load %w[%k, %c0] : memref<8x32xf32>, vector<32xf32>
    %a2 = vector.fma %v, %v, %a : vector<32xf32>
    %b2 = vector.fma %v, %a, %b : vector<32xf32>
    scf.yield %a2, %b2 : vector<32xf32>, vector<32xf32>
  }
  %r0 = vector.load %r[%c0, %c0] : memref<2x32xf32>, vector<32xf32>
  %r1 = vector.load %r[%c1, %c0] : memref<2x32xf32>, vector<32xf32>
  %s0 = arith.addf %acc#0, %r0 : vector<32xf32>
  %s1 = arith.addf %acc#1, %r1 : vector<32xf32>
  vector.store %s0, %out[%c0, %c0] : memref<2x32xf32>, vector<32xf32>
  vector.store %s1, %out[%c1, %c0] : memref<2x32xf32>, vector<32xf32>
  return
}

// -----

// No prefetch where the address is only known after the loop, or after a
// loop that carries no vectors.
// CHECK-LABEL: func.func @not_prefetched
// CHECK-NOT: memref.prefetch
// CHECK: return
func.func @not_prefetched(%r: memref<64x32xf32>, %out: memref<32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %acc:2 = scf.for %k = %c0 to %c8 step %c1 iter_args(%a = %zero, %i = %c0) -> (vector<32xf32>, index) {
    %v = vector.load %r[%k, %c0] : memref<64x32xf32>, vector<32xf32>
    %a2 = vector.fma %v, %v, %a : vector<32xf32>
    %i2 = arith.addi %i, %c1 : index
    scf.yield %a2, %i2 : vector<32xf32>, index
  }
  %late = vector.load %r[%acc#1, %c0] : memref<64x32xf32>, vector<32xf32>
  %n = scf.for %k = %c0 to %c8 step %c1 iter_args(%i = %c0) -> (index) {
    %i2 = arith.addi %i, %k : index
    scf.yield %i2 : index
  }
  %after = vector.load %r[%n, %c0] : memref<64x32xf32>, vector<32xf32>
  %t = arith.addf %acc#0, %late : vector<32xf32>
  %x = arith.addf %t, %after : vector<32xf32>
  vector.store %x, %out[%c0] : memref<32xf32>, vector<32xf32>
  return
}

// -----

// Two register tiles in one block: each prefetches its own epilogue, not
// the next tile's.
// CHECK-LABEL: func.func @two_tiles
// CHECK-SAME: %[[R:[a-z0-9]+]]: memref<2x32xf32>, %{{.*}}: memref<2x32xf32>)
// CHECK: memref.prefetch %[[R]][%c0, %c0]
// CHECK: memref.prefetch %[[R]][%c0, %c16]
// CHECK-NOT: memref.prefetch
// CHECK: scf.for
// CHECK: vector.load %[[R]][%c0, %c0]
// CHECK: memref.prefetch %[[R]][%c1, %c0]
// CHECK: memref.prefetch %[[R]][%c1, %{{.*}}]
// CHECK-NOT: memref.prefetch
// CHECK: scf.for
// CHECK: vector.load %[[R]][%c1, %c0]
func.func @two_tiles(%w: memref<8x32xf32>, %r: memref<2x32xf32>, %out: memref<2x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %zero = arith.constant dense<0.0> : vector<32xf32>
  %a = scf.for %k = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> (vector<32xf32>) {
    %v = vector.load %w[%k, %c0] : memref<8x32xf32>, vector<32xf32>
    %n = vector.fma %v, %v, %acc : vector<32xf32>
    scf.yield %n : vector<32xf32>
  }
  %r0 = vector.load %r[%c0, %c0] : memref<2x32xf32>, vector<32xf32>
  %s0 = arith.addf %a, %r0 : vector<32xf32>
  vector.store %s0, %out[%c0, %c0] : memref<2x32xf32>, vector<32xf32>
  %b = scf.for %k = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> (vector<32xf32>) {
    %v = vector.load %w[%k, %c0] : memref<8x32xf32>, vector<32xf32>
    %n = vector.fma %v, %acc, %acc : vector<32xf32>
    scf.yield %n : vector<32xf32>
  }
  %r1 = vector.load %r[%c1, %c0] : memref<2x32xf32>, vector<32xf32>
  %s1 = arith.addf %b, %r1 : vector<32xf32>
  vector.store %s1, %out[%c1, %c0] : memref<2x32xf32>, vector<32xf32>
  return
}
