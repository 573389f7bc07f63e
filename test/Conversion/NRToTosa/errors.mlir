// RUN: netrewrite-opt %s --convert-nr-to-tosa -split-input-file -verify-diagnostics

// A dynamic channel count cannot become a static broadcast shape.
func.func @bn_dynamic_channels(%x: tensor<1x?xf32>, %p: tensor<?xf32>) -> tensor<1x?xf32> {
  // expected-error @+1 {{could not lower 'nr.batch_norm' to TOSA (is its channel count static?)}}
  %0 = nr.batch_norm %x, %p, %p, %p, %p : tensor<1x?xf32>, tensor<?xf32>
  return %0 : tensor<1x?xf32>
}
