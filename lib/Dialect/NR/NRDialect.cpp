//===- NRDialect.cpp - The nr dialect -------------------------------------===//

#include "netrewrite/Dialect/NR/NR.h"

using namespace mlir;
using namespace netrewrite::nr;

#include "netrewrite/Dialect/NR/NROpsDialect.cpp.inc"

void NRDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "netrewrite/Dialect/NR/NROps.cpp.inc"
      >();
}
