//===- KernelSplit.h - Separate a module's OpenMP bodies for codegen ------===//
//
// See KernelSplit.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_COMPILE_KERNELSPLIT_H
#define NETREWRITE_COMPILE_KERNELSPLIT_H

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/IR/Module.h"

#include <memory>

namespace netrewrite {

/// Moves the definitions of the outlined OpenMP parallel bodies
/// (`<func>..omp_par*`) of `module` into a new module and leaves
/// declarations behind; every other definition stays in `module`, and the
/// new module declares what it uses of them. Local symbols become hidden
/// external ones (named where they had no name) so the two object files
/// link. Returns null when `module` has no such bodies (nothing changes).
std::unique_ptr<llvm::Module> splitParallelBodies(llvm::Module &module);

/// Splits `module` (consumed) into at most `parts` modules of about equal
/// size and returns each as bitcode, so that each can be read into an
/// LLVMContext of its own and compiled on a thread of its own (one context
/// is not thread-safe). Functions that call each other through local
/// symbols stay together.
llvm::SmallVector<llvm::SmallString<0>>
splitForParallelCodegen(std::unique_ptr<llvm::Module> module, unsigned parts);

} // namespace netrewrite

#endif // NETREWRITE_COMPILE_KERNELSPLIT_H
