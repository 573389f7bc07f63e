// --rewrite-report is a dry run: every site with its layer name, matched
// attributes, shapes and the parameters its new layers add, then totals.
// RUN: netrewrite-opt --insert-bn --insert-dropout --rewrite-report %S/Inputs/residual.mlir -o %t.mlir | FileCheck %s
// The module is unchanged:
// RUN: netrewrite-opt %S/Inputs/residual.mlir | diff - %t.mlir
// The pass option does the same for one pass:
// RUN: netrewrite-opt --insert-bn=report=1 %S/Inputs/residual.mlir -o /dev/null | FileCheck %s --check-prefix=OPT
// After the rewrite nothing is left to do:
// RUN: netrewrite-opt --insert-bn %S/Inputs/residual.mlir | netrewrite-opt --insert-bn --rewrite-report -o /dev/null | FileCheck %s --check-prefix=AGAIN

// CHECK-LABEL: rewrite report for <builtin>/insert-bn.nrr (dry run)
// CHECK-NEXT: rule 1: match conv[act=$a]   -> replace conv[act=none], bn, $a
// CHECK-NEXT:   block1_conv1: conv[act=relu, kernel=2x1, stride=1x1, filters=4] 1x8x8x3 -> 1x8x8x4; adds bn, relu (moved) (+16 parameters)
// CHECK-NEXT:   block1_conv2: conv[act=relu6, kernel=1x1, stride=1x1, filters=4] 1x8x8x4 -> 1x8x8x4; adds bn, relu6 (moved) (+16 parameters)
// CHECK-NEXT:   2 sites, +32 parameters
// CHECK-NEXT: rule 2: match dwconv[act=$a] -> replace dwconv[act=none], bn, $a
// CHECK-NEXT:   block2_dwconv: dwconv[act=none, kernel=3x1, stride=1x1, multiplier=1] 1x8x8x4 -> 1x8x8x4; adds bn (+16 parameters)
// CHECK-NEXT:   1 site, +16 parameters
// CHECK-NEXT: rule 3: match dense[act=$a]  -> replace dense[act=none], bn, $a
// CHECK-NEXT:   dense: dense[act=none, units=4] 1x1x1x8 -> 1x4; adds bn (+16 parameters)
// CHECK-NEXT:   1 site, +16 parameters
// CHECK-NEXT: total: 4 sites, +64 parameters
// CHECK-LABEL: rewrite report for <builtin>/insert-dropout.nrr (dry run)
// CHECK-NEXT: rule 1: match relu | relu6 -> insert after dropout[rate=$rate]
// CHECK-NEXT:   block1_conv1: relu 1x8x8x4 -> 1x8x8x4; adds dropout (+0 parameters)
// CHECK-NEXT:   block1_conv2: relu6 1x8x8x4 -> 1x8x8x4; adds dropout (+0 parameters)
// CHECK-NEXT:   block2_relu: relu 1x8x8x8 -> 1x8x8x8; adds dropout (+0 parameters)
// CHECK-NEXT:   3 sites, +0 parameters
// CHECK-NEXT: total: 3 sites, +0 parameters

// OPT: total: 4 sites, +64 parameters
// AGAIN: total: 0 sites, +0 parameters
