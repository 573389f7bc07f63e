//===- InitAll.cpp - Register everything netrewrite's tools use -----------===//

#include "netrewrite/InitAll.h"
#include "netrewrite/Analysis/Passes.h"
#include "netrewrite/Codegen/Passes.h"
#include "netrewrite/Conversion/Passes.h"
#include "netrewrite/Dialect/NR/NR.h"
#include "netrewrite/Pipelines/Pipelines.h"
#include "netrewrite/Transforms/Passes.h"
#include "netrewrite/Training/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

void netrewrite::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<nr::NRDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  mlir::registerAllToLLVMIRTranslations(registry);
}

void netrewrite::registerAllPasses() {
  mlir::registerAllPasses();
  netrewrite::registerNetrewriteAnalysisPasses();
  netrewrite::registerNetrewriteConversionPasses();
  netrewrite::registerNetrewriteCodegenPasses();
  netrewrite::registerPipelines();
  netrewrite::registerNetrewriteTransformsPasses();
  netrewrite::registerNetrewriteTrainingPasses();
}
