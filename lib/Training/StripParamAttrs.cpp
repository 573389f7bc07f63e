//===- StripParamAttrs.cpp - Drop nr.* argument/result attributes ---------===//
//
// Parameter names travel on function arguments for the tools that read the
// module; LLVM IR translation would warn about every one of them.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/Training/Passes.h"

namespace netrewrite {
#define GEN_PASS_DEF_STRIPPARAMATTRS
#include "netrewrite/Training/Passes.h.inc"
} // namespace netrewrite

using namespace mlir;

namespace {

DictionaryAttr withoutNR(DictionaryAttr attrs) {
  if (!attrs)
    return attrs;
  SmallVector<NamedAttribute> kept;
  for (NamedAttribute a : attrs)
    if (!a.getName().getValue().starts_with("nr."))
      kept.push_back(a);
  return DictionaryAttr::get(attrs.getContext(), kept);
}

struct StripParamAttrsPass
    : netrewrite::impl::StripParamAttrsBase<StripParamAttrsPass> {
  void runOnOperation() override {
    getOperation().walk([](func::FuncOp func) {
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        func.setArgAttrs(i, withoutNR(func.getArgAttrDict(i)));
      for (unsigned i = 0; i < func.getNumResults(); ++i)
        func.setResultAttrs(i, withoutNR(func.getResultAttrDict(i)));
      SmallVector<StringAttr> drop;
      for (NamedAttribute a : func->getDiscardableAttrs())
        if (a.getName().getValue().starts_with("nr."))
          drop.push_back(a.getName());
      for (StringAttr name : drop)
        func->removeAttr(name);
    });
  }
};

} // namespace
