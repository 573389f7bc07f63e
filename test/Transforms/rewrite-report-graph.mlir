// --rewrite-report=dot|svg: the picture of a rewrite, as a dry run. The
// layer graph after the rules ran, inserted and changed layers highlighted;
// the module written by -o stays as it was.
// RUN: netrewrite-opt --rewrite=%S/../../rules/insert-bn.nrr --rewrite-report=dot %S/Inputs/residual.mlir -o %t.mlir | FileCheck %s
// RUN: netrewrite-opt %S/Inputs/residual.mlir | diff - %t.mlir
// RUN: netrewrite-opt --insert-dropout --rewrite-report=svg %S/Inputs/residual.mlir -o /dev/null > %t.svg
// RUN: FileCheck %s --check-prefix=SVG < %t.svg
// A bare --rewrite-report is still the text report:
// RUN: netrewrite-opt --insert-dropout --rewrite-report %S/Inputs/residual.mlir -o /dev/null | FileCheck %s --check-prefix=TEXT
// An unknown format is refused before anything runs:
// RUN: not netrewrite-opt --insert-bn --rewrite-report=png %S/Inputs/residual.mlir -o %t.none 2>&1 | FileCheck %s --check-prefix=BAD
// RUN: test ! -e %t.none

// CHECK: digraph layers {
// CHECK-DAG: "block1_conv1/bn" [label="block1_conv1/bn\nnr.batch_norm (1, 8, 8, 4)", fillcolor="#ffb347", penwidth=2];
// CHECK-DAG: "block1_conv1" -> "block1_conv1/bn";
// CHECK-DAG: "block2_dwconv/bn" [label="block2_dwconv/bn\nnr.batch_norm (1, 8, 8, 4)", fillcolor="#ffb347", penwidth=2];
// CHECK: }

// SVG: <svg
// SVG: block1_conv1/dropout
// SVG: #ffb347

// TEXT: total: 3 sites, +0 parameters

// BAD: for the --rewrite-report option: Cannot find option named 'png'!
