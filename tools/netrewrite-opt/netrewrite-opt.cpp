//===- netrewrite-opt.cpp - netrewrite's optimizer driver -----------------===//
//
// An mlir-opt with the nr dialect and netrewrite's passes and pipelines.
//
// Layer names live in NameLoc locations, which mlir-opt's default textual
// output drops. So that `netrewrite-opt model.mlirbc -o out.mlirbc` (the
// pipeline's normal use) keeps them, an output file named *.mlirbc is written
// as bytecode, which keeps locations. Textual output is unchanged: pass
// --mlir-print-debuginfo to keep the names there.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/ADT/StringRef.h"

#include <vector>

int main(int argc, char **argv) {
  netrewrite::registerAllPasses();
  mlir::DialectRegistry registry;
  netrewrite::registerAllDialects(registry);

  llvm::StringRef output;
  bool explicitFormat = false;
  for (int i = 1; i < argc; ++i) {
    llvm::StringRef arg(argv[i]);
    if (arg == "-o" && i + 1 < argc)
      output = argv[i + 1];
    else if (arg.starts_with("-o="))
      output = arg.drop_front(3);
    else if (arg.starts_with("--emit-bytecode") ||
             arg.starts_with("--mlir-print-debuginfo") ||
             arg.starts_with("-emit-bytecode") ||
             arg.starts_with("-mlir-print-debuginfo"))
      explicitFormat = true;
  }
  std::vector<char *> args(argv, argv + argc);
  static char bytecode[] = "--emit-bytecode";
  if (!explicitFormat && output.ends_with(".mlirbc"))
    args.push_back(bytecode);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      static_cast<int>(args.size()), args.data(),
      "netrewrite optimizer driver\n", registry));
}
