// A @forward that ends in a softmax (Keras `activation="softmax"`) is
// trained on the logits in front of it: the loss is the cross-entropy of
// those logits, and @train_step returns them as `logits`.
// RUN: netrewrite-opt --netrewrite-extract-params --netrewrite-build-train-step %S/Inputs/tiny_softmax.mlir -o %t.mlir
// RUN: FileCheck %s < %t.mlir
// RUN: %python -c "import numpy as np; np.save('%t.x.npy', np.ones((2, 3), np.float32)); np.save('%t.y.npy', np.eye(2, dtype=np.float32)); np.save('%t.h.npy', np.array([0.1, 1, 0, 0, 0, 0, 0, 0], np.float32)); np.save('%t.w.npy', np.zeros((1, 3, 2), np.float32)); np.save('%t.b.npy', np.array([[1.0, 3.0]], np.float32))"
// RUN: netrewrite-run %t.mlir --function=train_step --input=@%t.w.npy --input=@%t.b.npy --input=@%t.x.npy --input=@%t.y.npy --input=@%t.h.npy --print | FileCheck %s --check-prefix=STEP

// CHECK-LABEL: func.func @train_step(
// CHECK: %[[Z:.*]] = tosa.add %{{.*}}, %arg1 :
// CHECK: return %{{.*}}, %{{.*}}, %{{.*}}, %[[Z]] :

// Logits [1, 3] for both rows, labels class 0 and class 1:
// loss = mean(log(e + e^3) - 1, log(e + e^3) - 3) = 1.126928 (on the
// softmax output instead it would be 0.7432).
// SGD (lr 0.1) moves the bias by -0.1 * mean(softmax - labels)
// = -0.1 * ([0.1192, 0.8808] - [0.5, 0.5]).
// STEP: result #1: 1x2
// STEP-NEXT: {{\[\[}}1.03807{{[0-9]*}} 2.96192{{[0-9]*}}]]
// STEP: result #2: scalar
// STEP-NEXT: 1.12692{{[0-9]}}
// STEP: result #3: 2x2
// STEP-NEXT: {{\[\[}}1 3]
// STEP-NEXT: [1 3]]
