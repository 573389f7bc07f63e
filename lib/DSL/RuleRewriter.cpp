//===- RuleRewriter.cpp - Applying compiled rules to IR -------------------===//
//
// Why C++ RewritePatterns rather than generated PDL: a site's activation is
// defined by what is *absent* (`act=none` means the conv has no activation
// as its single user), a site is matched by name glob, new parameters are
// sized from the matched types and new layers must feed every consumer of a
// value except themselves. PDL would need native constraints and a native
// rewrite for each of these, leaving only the op-name check in PDL itself,
// so each rule is compiled to one pattern per alternative rooted at the
// layer's anchor op (LayerVocabulary.def) and run by MLIR's greedy driver.
//
//===----------------------------------------------------------------------===//

#include "netrewrite/DSL/RuleRewriter.h"
#include "netrewrite/DSL/LayerMatch.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include <memory>

using namespace mlir;
using namespace netrewrite::dsl;

namespace {

bool hasMark(Operation *op, StringRef id) {
  auto marks = op->getAttrOfType<ArrayAttr>(kRulesAttrName);
  return marks && llvm::any_of(marks, [&](Attribute a) {
           return cast<StringAttr>(a).getValue() == id;
         });
}

void addMark(Operation *op, StringRef id) {
  if (hasMark(op, id))
    return;
  SmallVector<Attribute> marks;
  if (auto old = op->getAttrOfType<ArrayAttr>(kRulesAttrName))
    marks.append(old.begin(), old.end());
  marks.push_back(StringAttr::get(op->getContext(), id));
  op->setAttr(kRulesAttrName, ArrayAttr::get(op->getContext(), marks));
}

/// Layer names already used in the module, so that new ones are fresh.
struct NameTable {
  llvm::StringSet<> used;

  std::string fresh(StringRef site, StringRef layer) {
    std::string base = site.empty() ? layer.str() : (site + "/" + layer).str();
    std::string name = base;
    for (unsigned i = 1; used.contains(name); ++i)
      name = base + "_" + std::to_string(i);
    used.insert(name);
    return name;
  }
};

bool canBuild(LayerKind kind, Type type) {
  auto ranked = dyn_cast<RankedTensorType>(type);
  if (!ranked || !isa<FloatType>(ranked.getElementType()) ||
      ranked.getRank() < 1)
    return false;
  return kind != LayerKind::BN || !ShapedType::isDynamic(ranked.getShape().back());
}

/// The kind a replacement item stands for at a site (nullopt: nothing, i.e.
/// a captured activation that is `none`).
std::optional<LayerKind> itemKind(const ReplacementItem &item,
                                  const LayerSite &site) {
  if (item.role == ReplacementItem::Capture)
    return activationLayer(site.act);
  return item.kind;
}

class RulePattern : public RewritePattern {
public:
  RulePattern(const Rule &rule, const LayerPattern &alt, MLIRContext *context,
              std::shared_ptr<NameTable> names)
      : RewritePattern(getLayerInfo(alt.kind).anchorOp, /*benefit=*/1,
                       context),
        rule(rule), alt(alt), names(std::move(names)) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (hasMark(op, rule.id))
      return rewriter.notifyMatchFailure(op, "output of this rule");
    std::optional<LayerSite> site = matchLayer(alt.kind, op);
    if (!site || !satisfies(*site, alt))
      return rewriter.notifyMatchFailure(op, "not a matching layer");

    // Check everything before touching the IR.
    Type outType = site->output().getType();
    Type inType = site->inputOperand ? site->input().getType() : Type();
    for (const ReplacementItem &item : rule.after)
      if (auto kind = itemKind(item, *site); kind && !canBuild(*kind, outType))
        return rewriter.notifyMatchFailure(op, "cannot build after");
    for (const ReplacementItem &item : rule.before)
      if (auto kind = itemKind(item, *site); kind && !canBuild(*kind, inType))
        return rewriter.notifyMatchFailure(op, "cannot build before");
    if (!rule.keepsMatched && inType != outType)
      return rewriter.notifyMatchFailure(op, "input and output types differ");

    SmallVector<Operation *> created;
    auto build = [&](const ReplacementItem &item, Value v,
                     StringRef name) -> Value {
      std::optional<LayerKind> kind = itemKind(item, *site);
      if (!kind)
        return v;
      std::string fresh = name.empty()
                              ? names->fresh(site->name,
                                             getLayerInfo(*kind).spelling)
                              : name.str();
      Location loc = NameLoc::get(rewriter.getStringAttr(fresh));
      return buildLayer(rewriter, loc, *kind, item.attrs, v, created);
    };
    auto buildChain = [&](ArrayRef<ReplacementItem> items, Value v) {
      for (const ReplacementItem &item : items)
        v = build(item, v, "");
      return v;
    };

    if (!rule.keepsMatched) {
      rewriter.setInsertionPoint(site->ops.front());
      Value v = buildChain(rule.before, site->input());
      rewriter.replaceAllUsesWith(site->output(), v);
      for (Operation *dead : llvm::reverse(site->ops))
        rewriter.eraseOp(dead);
      for (Operation *c : created)
        addMark(c, rule.id);
      return success();
    }

    Value out = site->output();
    if (rule.matched)
      out = modifyMatched(*site, *rule.matched, rewriter, created, build);
    rewriter.modifyOpInPlace(op, [&] { addMark(op, rule.id); });

    if (!rule.before.empty()) {
      Operation *reader = site->inputOperand->getOwner();
      rewriter.setInsertionPoint(reader);
      Value v = buildChain(rule.before, site->input());
      rewriter.modifyOpInPlace(reader, [&] { site->inputOperand->set(v); });
    }
    if (!rule.after.empty()) {
      rewriter.setInsertionPointAfterValue(out);
      size_t firstNew = created.size();
      Value v = buildChain(rule.after, out);
      // The new layers feed every former consumer of `out` (residual adds
      // and concats included), not just one.
      llvm::SmallPtrSet<Operation *, 8> chain(created.begin() + firstNew,
                                              created.end());
      rewriter.replaceUsesWithIf(out, v, [&](OpOperand &use) {
        return !chain.contains(use.getOwner());
      });
    }
    for (Operation *c : created)
      addMark(c, rule.id);
    return success();
  }

private:
  /// Applies the replacement's attribute changes to the kept layer; returns
  /// its (possibly new) output.
  template <typename BuildFn>
  Value modifyMatched(LayerSite &site, const ReplacementItem &item,
                      PatternRewriter &rewriter,
                      SmallVectorImpl<Operation *> &created,
                      BuildFn &build) const {
    const LayerAttrs &a = item.attrs;
    Value out = site.output();
    if (getLayerInfo(site.kind).has(LF_Weighted) &&
        (a.act || !a.actCapture.empty())) {
      Activation act = a.actCapture.empty() ? *a.act : site.act;
      if (act == site.act)
        return out;
      Value pre = site.preActivation;
      if (!site.activationOps.empty()) {
        rewriter.replaceAllUsesWith(out, pre);
        for (Operation *dead : llvm::reverse(site.activationOps))
          rewriter.eraseOp(dead);
      }
      if (act == Activation::None)
        return pre;
      rewriter.setInsertionPointAfterValue(pre);
      ReplacementItem actItem{ReplacementItem::New, *activationLayer(act), {},
                              "", item.loc};
      size_t firstNew = created.size();
      // The activation stays part of the layer: it keeps the layer's name.
      Value v = build(actItem, pre,
                      site.name.empty() ? StringRef() : StringRef(site.name));
      llvm::SmallPtrSet<Operation *, 8> chain(created.begin() + firstNew,
                                              created.end());
      rewriter.replaceUsesWithIf(pre, v, [&](OpOperand &use) {
        return !chain.contains(use.getOwner());
      });
      return v;
    }
    Operation *op = site.anchor;
    rewriter.modifyOpInPlace(op, [&] {
      Builder b(op->getContext());
      if (a.rate)
        op->setAttr("rate", b.getF32FloatAttr(*a.rate));
      if (a.seed)
        op->setAttr("seed", b.getI64IntegerAttr(*a.seed));
      if (a.epsilon)
        op->setAttr("epsilon", b.getF32FloatAttr(*a.epsilon));
      if (a.momentum)
        op->setAttr("momentum", b.getF32FloatAttr(*a.momentum));
    });
    return out;
  }

  const Rule &rule;
  const LayerPattern &alt;
  std::shared_ptr<NameTable> names;
};

std::shared_ptr<NameTable> collectNames(Operation *root) {
  auto names = std::make_shared<NameTable>();
  root->walk([&](Operation *op) {
    std::string name = getLayerName(op);
    if (!name.empty())
      names->used.insert(name);
  });
  return names;
}

std::string shapeOf(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped || !shaped.hasRank())
    return "?";
  std::string s;
  llvm::raw_string_ostream os(s);
  llvm::interleave(
      shaped.getShape(), os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << "?";
        else
          os << d;
      },
      "x");
  return s;
}

} // namespace

LogicalResult netrewrite::dsl::applyRules(Operation *root,
                                          const RuleSet &rules) {
  auto names = collectNames(root);
  GreedyRewriteConfig config;
  // Only the rules' own rewrites: no folding, no region simplification.
  config.enableFolding(false);
  // Never merge constants: each new layer owns its parameters.
  config.enableConstantCSE(false);
  config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
  for (const Rule &rule : rules.rules) {
    RewritePatternSet patterns(root->getContext());
    for (const LayerPattern &alt : rule.alternatives)
      patterns.add<RulePattern>(rule, alt, root->getContext(), names);
    if (failed(applyPatternsGreedily(root, std::move(patterns), config)))
      return emitError(rule.loc)
             << "rule " << rule.index << " did not converge";
  }
  return success();
}

void netrewrite::dsl::reportRules(Operation *root, const RuleSet &rules,
                                  llvm::raw_ostream &os) {
  int64_t totalSites = 0, totalParams = 0;
  os << "rewrite report for " << rules.filename << " (dry run)\n";
  for (const Rule &rule : rules.rules) {
    os << "rule " << rule.index << ": " << rule.text << "\n";
    int64_t sites = 0, params = 0;
    root->walk([&](Operation *op) {
      for (const LayerPattern &alt : rule.alternatives) {
        if (op->getName().getStringRef() != getLayerInfo(alt.kind).anchorOp ||
            hasMark(op, rule.id))
          continue;
        std::optional<LayerSite> site = matchLayer(alt.kind, op);
        if (!site || !satisfies(*site, alt))
          continue;
        ++sites;
        os << "  " << (site->name.empty() ? "<unnamed>" : site->name) << ": ";
        printLayerAttrs(alt.kind, site->attrs, os);
        os << " ";
        if (site->inputOperand)
          os << shapeOf(site->input().getType());
        else
          llvm::interleave(
              site->anchor->getOperandTypes(), os,
              [&](Type t) { os << shapeOf(t); }, ", ");
        os << " -> " << shapeOf(site->output().getType());
        int64_t siteParams = 0;
        SmallVector<std::string> added;
        auto describe = [&](ArrayRef<ReplacementItem> items, Type type) {
          for (const ReplacementItem &item : items) {
            std::optional<LayerKind> kind = itemKind(item, *site);
            if (!kind)
              continue;
            added.push_back(getLayerInfo(*kind).spelling.str() +
                            (item.role == ReplacementItem::Capture
                                 ? " (moved)"
                                 : ""));
            siteParams += countNewParameters(*kind, type);
          }
        };
        describe(rule.before, site->inputOperand ? site->input().getType()
                                                 : Type());
        describe(rule.after, site->output().getType());
        if (!rule.keepsMatched)
          os << (added.empty() ? "; deleted" : "; replaced by ")
             << llvm::join(added, ", ");
        else if (!added.empty())
          os << "; adds " << llvm::join(added, ", ");
        os << " (+" << siteParams << " parameters)\n";
        params += siteParams;
        break;
      }
    });
    os << "  " << sites << " site" << (sites == 1 ? "" : "s") << ", +"
       << params << " parameters\n";
    totalSites += sites;
    totalParams += params;
  }
  os << "total: " << totalSites << " site" << (totalSites == 1 ? "" : "s")
     << ", +" << totalParams << " parameters\n";
}
