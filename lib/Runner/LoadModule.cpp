//===- LoadModule.cpp - Read a module file for the drivers ----------------===//

#include "netrewrite/Runner/LoadModule.h"

#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

llvm::Expected<OwningOpRef<ModuleOp>>
netrewrite::loadModule(llvm::StringRef path, MLIRContext &context,
                       llvm::SourceMgr &sourceMgr) {
  auto fail = [&](const llvm::Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   path + ": " + why);
  };
  std::string error;
  auto file = openInputFile(path, &error);
  if (!file)
    return fail(error);
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  OwningOpRef<ModuleOp> module = parseSourceFile<ModuleOp>(sourceMgr, &context);
  if (!module)
    return fail("could not parse the module");
  return module;
}
