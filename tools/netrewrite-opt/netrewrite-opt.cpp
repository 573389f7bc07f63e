//===- netrewrite-opt.cpp - netrewrite's optimizer driver -----------------===//
//
// An mlir-opt with the nr dialect and netrewrite's passes and pipelines.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  netrewrite::registerAllPasses();
  mlir::DialectRegistry registry;
  netrewrite::registerAllDialects(registry);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "netrewrite optimizer driver\n", registry));
}
