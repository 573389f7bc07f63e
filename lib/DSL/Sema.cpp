//===- Sema.cpp - Checked, compiled rules ---------------------------------===//

#include "netrewrite/DSL/Sema.h"
#include "netrewrite/DSL/Parser.h"

#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/xxhash.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace netrewrite::dsl;

namespace {

/// What a layer in a rule is being checked as.
enum class Role { Match, Modify, Create };

std::string describeValue(const ValueAST &v) {
  switch (v.kind) {
  case ValueAST::Identifier: return "name '" + v.text + "'";
  case ValueAST::Integer: return "integer " + v.text;
  case ValueAST::Float: return "number " + v.text;
  case ValueAST::Pair: return "size " + v.text;
  case ValueAST::String: return "string \"" + v.text + "\"";
  case ValueAST::Reference: return "'$" + v.text + "'";
  }
  return "value";
}

StringRef expectedFor(AttrValueKind kind) {
  switch (kind) {
  case AV_Activation:
    return "an activation (none, relu, relu6, sigmoid, hswish)";
  case AV_Pair: return "a size like 3x3 (or one integer N for NxN)";
  case AV_Int: return "an integer";
  case AV_Float: return "a number";
  }
  return "a value";
}

class Sema {
public:
  Sema(MLIRContext *context) : context(context) {}

  FailureOr<RuleSet> run(const FileAST &file, StringRef filename,
                         const llvm::StringMap<double> &overrides);

private:
  LogicalResult checkRule(const RuleAST &ast, Rule &rule);
  LogicalResult checkLayer(const LayerAST &ast, LayerKind kind, Role role,
                           LayerAttrs &attrs, LayerPattern *pattern,
                           const llvm::StringSet<> &captures,
                           llvm::StringSet<> *declared);
  LogicalResult checkItem(const LayerAST &ast, const Rule &rule,
                          bool mayBeMatched, const llvm::StringSet<> &captures,
                          bool &sawMatched, ReplacementItem &item);
  /// Substitutes `$param` references; leaves captures alone.
  ValueAST resolve(const ValueAST &value) const;

  MLIRContext *context;
  llvm::StringMap<ValueAST> params;
};

} // namespace

ValueAST Sema::resolve(const ValueAST &value) const {
  if (value.kind != ValueAST::Reference)
    return value;
  auto it = params.find(value.text);
  if (it == params.end())
    return value;
  ValueAST out = it->second;
  out.loc = value.loc;
  return out;
}

FailureOr<RuleSet> Sema::run(const FileAST &file, StringRef filename,
                             const llvm::StringMap<double> &overrides) {
  for (const ParamAST &param : file.params) {
    if (params.count(param.name))
      return emitError(param.loc)
             << "parameter '" << param.name << "' is declared twice";
    params.try_emplace(param.name, param.value);
  }
  for (const auto &entry : overrides) {
    auto it = params.find(entry.getKey());
    if (it == params.end())
      return emitError(FileLineColLoc::get(context, filename, 1, 1))
             << "the rule file declares no parameter '" << entry.getKey()
             << "' to set";
    ValueAST &v = it->second;
    double value = entry.getValue();
    v.kind = value == static_cast<double>(static_cast<int64_t>(value)) &&
                     v.kind == ValueAST::Integer
                 ? ValueAST::Integer
                 : ValueAST::Float;
    v.number = value;
    llvm::SmallString<16> text;
    llvm::raw_svector_ostream(text) << llvm::format("%g", value);
    v.text = text.str().str();
  }

  RuleSet set;
  set.filename = filename.str();
  // Layers that an earlier rule removed everywhere (unconstrained delete or
  // replace): a later rule matching them can never fire.
  llvm::DenseMap<unsigned, unsigned> removedBy;
  for (const RuleAST &ast : file.rules) {
    Rule rule{static_cast<unsigned>(set.rules.size() + 1), {}, {}, {}, true,
              std::nullopt, ast.sourceText, "", ast.loc, {}};
    if (failed(checkRule(ast, rule)))
      return failure();
    for (const LayerPattern &alt : rule.alternatives) {
      auto it = removedBy.find(static_cast<unsigned>(alt.kind));
      if (it != removedBy.end())
        return emitError(alt.loc)
               << "rule can never match: rule " << it->second
               << " already removes every '"
               << getLayerInfo(alt.kind).spelling << "'";
    }
    if (!rule.keepsMatched) {
      for (const LayerPattern &alt : rule.alternatives) {
        const LayerAttrs &a = alt.attrs;
        bool unconstrained = !alt.nameGlob && !a.act && a.actCapture.empty() &&
                             !a.kernel && !a.stride && !a.filters &&
                             !a.multiplier && !a.units && !a.seed && !a.axis &&
                             !a.epsilon && !a.momentum && !a.rate;
        if (unconstrained)
          removedBy[static_cast<unsigned>(alt.kind)] = rule.index;
      }
    }
    // A layer created by this rule exists again for later rules.
    for (const auto *items : {&rule.before, &rule.after})
      for (const ReplacementItem &item : *items)
        if (item.role == ReplacementItem::New)
          removedBy.erase(static_cast<unsigned>(item.kind));

    std::string canonical;
    llvm::raw_string_ostream os(canonical);
    printRule(rule, os);
    rule.id = llvm::utohexstr(llvm::xxh3_64bits(canonical), /*LowerCase=*/true);
    set.rules.push_back(std::move(rule));
  }
  for (size_t i = 0; i < set.rules.size(); ++i)
    for (size_t j = i; j < set.rules.size(); ++j)
      set.rules[i].skipIds.push_back(set.rules[j].id);
  return set;
}

LogicalResult Sema::checkRule(const RuleAST &ast, Rule &rule) {
  // The match.
  std::optional<llvm::StringSet<>> commonCaptures;
  for (const LayerAST &alt : ast.alternatives) {
    std::optional<LayerKind> kind = lookupLayer(alt.name);
    if (!kind)
      return emitError(alt.loc) << "unknown layer '" << alt.name
                                << "'; expected one of: " << listLayers();
    for (const LayerPattern &seen : rule.alternatives)
      if (seen.kind == *kind)
        return emitError(alt.loc)
               << "layer '" << alt.name
               << "' appears twice among the alternatives; write one rule "
                  "per variant";
    LayerPattern pattern{*kind, {}, nullptr, alt.loc};
    llvm::StringSet<> declared;
    if (failed(checkLayer(alt, *kind, Role::Match, pattern.attrs, &pattern,
                          {}, &declared)))
      return failure();
    if (!commonCaptures) {
      commonCaptures = declared;
    } else {
      // A capture is usable only if every alternative binds it.
      llvm::StringSet<> both;
      for (const auto &c : *commonCaptures)
        if (declared.contains(c.getKey()))
          both.insert(c.getKey());
      commonCaptures = std::move(both);
    }
    rule.alternatives.push_back(std::move(pattern));
  }
  const llvm::StringSet<> &captures = *commonCaptures;

  bool multiInput = false, allPreserving = true;
  for (const LayerPattern &alt : rule.alternatives) {
    const LayerInfo &info = getLayerInfo(alt.kind);
    multiInput |= info.has(LF_MultiInput);
    allPreserving &= info.has(LF_Preserving);
  }

  // The action.
  bool sawMatched = false;
  std::vector<ReplacementItem> items;
  for (const LayerAST &itemAst : ast.items) {
    ReplacementItem item{ReplacementItem::New, LayerKind::BN, {}, "",
                         itemAst.loc};
    if (failed(checkItem(itemAst, rule, ast.action == RuleAST::Replace,
                         captures, sawMatched, item)))
      return failure();
    items.push_back(std::move(item));
  }

  switch (ast.action) {
  case RuleAST::InsertAfter:
    rule.after = std::move(items);
    break;
  case RuleAST::InsertBefore:
    rule.before = std::move(items);
    break;
  case RuleAST::Delete:
    rule.keepsMatched = false;
    break;
  case RuleAST::Replace: {
    auto it = llvm::find_if(items, [](const ReplacementItem &i) {
      return i.role == ReplacementItem::Matched;
    });
    if (it == items.end()) {
      rule.keepsMatched = false;
      rule.before = std::move(items);
    } else {
      rule.before.assign(items.begin(), it);
      rule.matched = *it;
      rule.after.assign(std::next(it), items.end());
    }
    break;
  }
  }

  StringRef first = getLayerInfo(rule.alternatives.front().kind).spelling;
  if (!rule.before.empty() && multiInput)
    return emitError(rule.before.front().loc)
           << "cannot insert before '" << first
           << "': it has several inputs; insert after it instead";
  if (!rule.keepsMatched && (!allPreserving || multiInput)) {
    for (const LayerPattern &alt : rule.alternatives) {
      const LayerInfo &info = getLayerInfo(alt.kind);
      if (info.has(LF_Preserving) && !info.has(LF_MultiInput))
        continue;
      InFlightDiagnostic diag =
          emitError(ast.actionLoc);
      if (ast.action == RuleAST::Delete)
        diag << "cannot delete '" << info.spelling << "'";
      else
        diag << "impossible replacement: the replacement drops the matched '"
             << info.spelling << "'";
      diag << ": its output "
           << (info.has(LF_MultiInput) ? "combines several inputs"
                                       : "has another shape than its input")
           << "; only single-input shape-preserving layers (bn, dropout, "
              "relu, relu6, sigmoid, hswish, softmax) can be removed";
      if (ast.action == RuleAST::Replace)
        diag << " (keep '" << info.spelling
             << "' in the replacement list to insert around it)";
      return diag;
    }
  }
  return success();
}

LogicalResult Sema::checkItem(const LayerAST &ast, const Rule &rule,
                              bool mayBeMatched,
                              const llvm::StringSet<> &captures,
                              bool &sawMatched, ReplacementItem &item) {
  item.loc = ast.loc;
  if (ast.isReference) {
    if (!captures.contains(ast.name))
      return emitError(ast.loc)
             << "unknown capture '$" << ast.name
             << "'; bind it in the match, like conv[act=$" << ast.name << "]"
             << (rule.alternatives.size() > 1 ? " (in every alternative)" : "");
    item.role = ReplacementItem::Capture;
    item.capture = ast.name;
    return success();
  }
  std::optional<LayerKind> kind = lookupLayer(ast.name);
  if (!kind)
    return emitError(ast.loc) << "unknown layer '" << ast.name
                              << "'; expected one of: " << listLayers();
  item.kind = *kind;
  const LayerInfo &info = getLayerInfo(*kind);

  bool isMatchedKind = llvm::any_of(rule.alternatives, [&](const auto &alt) {
    return alt.kind == *kind;
  });
  if (mayBeMatched && isMatchedKind) {
    if (rule.alternatives.size() > 1)
      return emitError(ast.loc)
             << "'" << ast.name
             << "' is ambiguous here: with alternatives in the match, use "
                "'insert after', 'insert before' or 'delete', or replace "
                "with layers that are not among the alternatives";
    if (sawMatched)
      return emitError(ast.loc)
             << "the matched '" << ast.name
             << "' can appear only once in its replacement (a rule cannot "
                "duplicate a layer's weights)";
    sawMatched = true;
    item.role = ReplacementItem::Matched;
    return checkLayer(ast, *kind, Role::Modify, item.attrs, nullptr, captures,
                      nullptr);
  }

  item.role = ReplacementItem::New;
  if (!info.has(LF_Creatable)) {
    InFlightDiagnostic diag = emitError(ast.loc);
    diag << "impossible replacement: cannot create a new '" << ast.name
         << "'";
    if (info.has(LF_Weighted))
      diag << ": it has learned weights that a rule cannot invent; a "
              "replacement can only keep the matched layer";
    else if (info.has(LF_MultiInput))
      diag << ": it needs several inputs";
    else
      diag << "; the layers a rule can create are: bn, dropout, relu, relu6, "
              "sigmoid, hswish";
    return diag;
  }
  if (failed(checkLayer(ast, *kind, Role::Create, item.attrs, nullptr,
                        captures, nullptr)))
    return failure();
  if (*kind == LayerKind::Dropout && !item.attrs.rate)
    return emitError(ast.loc)
           << "a new 'dropout' needs its rate, like dropout[rate=0.01]";
  return success();
}

LogicalResult Sema::checkLayer(const LayerAST &ast, LayerKind kind, Role role,
                               LayerAttrs &attrs, LayerPattern *pattern,
                               const llvm::StringSet<> &captures,
                               llvm::StringSet<> *declared) {
  StringRef layerName = getLayerInfo(kind).spelling;
  llvm::StringMap<const AttrAST *> seen;
  for (const AttrAST &attr : ast.attrs) {
    ValueAST value = resolve(attr.value);

    if (auto [it, inserted] = seen.try_emplace(attr.name, &attr); !inserted) {
      if (role == Role::Match &&
          resolve(it->second->value).text != value.text)
        return emitError(attr.loc)
               << "rule can never match: '" << attr.name << "' of '"
               << layerName << "' is required to be both "
               << describeValue(resolve(it->second->value)) << " and "
               << describeValue(value);
      return emitError(attr.loc) << "attribute '" << attr.name
                                 << "' is given twice";
    }

    if (attr.name == "name") {
      if (role != Role::Match)
        return emitError(attr.loc)
               << "'name' can only constrain a match (new layers are named "
                  "after the site, like block1_conv1/bn)";
      if (value.kind != ValueAST::String && value.kind != ValueAST::Identifier)
        return emitError(value.loc)
               << "'name' expects a glob string like \"block_1*\", got "
               << describeValue(value);
      auto nameGlob = std::make_shared<NameGlob>();
      nameGlob->text = value.text;
      auto glob = llvm::GlobPattern::create(nameGlob->text);
      if (!glob) {
        std::string msg = llvm::toString(glob.takeError());
        return emitError(value.loc)
               << "invalid glob \"" << value.text << "\": " << msg;
      }
      nameGlob->glob = std::move(*glob);
      pattern->nameGlob = std::move(nameGlob);
      continue;
    }

    const AttrInfo *info = lookupAttr(kind, attr.name);
    if (!info)
      return emitError(attr.loc)
             << "unknown attribute '" << attr.name << "' for layer '"
             << layerName << "'; expected one of: " << listAttrs(kind);
    if (role == Role::Modify && !(info->flags & AF_Modify))
      return emitError(attr.loc)
             << "impossible replacement: '" << attr.name
             << "' of the matched '" << layerName
             << "' cannot be changed (it is fixed by the layer's weights); "
                "only a match can constrain it";
    if (role == Role::Create && !(info->flags & AF_Create))
      return emitError(attr.loc)
             << "'" << attr.name << "' cannot be set on a new '"
             << layerName << "'";

    if (value.kind == ValueAST::Reference) {
      // `act=$a`: bind (match) or use (replacement) a captured activation.
      if (info->valueKind != AV_Activation)
        return emitError(value.loc)
               << "unknown parameter '$" << value.text
               << "' (declare it with 'param " << value.text
               << " = ...'); only 'act' can capture";
      if (role == Role::Match) {
        if (declared->contains(value.text))
          return emitError(value.loc)
                 << "capture '$" << value.text << "' is bound twice";
        declared->insert(value.text);
      } else if (!captures.contains(value.text)) {
        return emitError(value.loc)
               << "unknown capture '$" << value.text
               << "'; bind it in the match, like conv[act=$" << value.text
               << "]";
      }
      attrs.actCapture = value.text;
      continue;
    }

    auto wrongType = [&]() -> LogicalResult {
      return emitError(value.loc)
             << "'" << attr.name << "' of '" << layerName << "' expects "
             << expectedFor(info->valueKind) << ", got "
             << describeValue(value);
    };
    // Out-of-range values: in a match the rule could never fire; elsewhere
    // the rewriter could not build the layer.
    auto outOfRange = [&](StringRef range) -> LogicalResult {
      InFlightDiagnostic diag = emitError(value.loc);
      if (role == Role::Match)
        diag << "rule can never match: '" << attr.name << "' of a '"
             << layerName << "' is " << range << ", got " << value.text;
      else
        diag << "invalid '" << attr.name << "' for '" << layerName
             << "': expected " << range << ", got " << value.text;
      return diag;
    };

    switch (info->valueKind) {
    case AV_Activation: {
      if (value.kind != ValueAST::Identifier)
        return wrongType();
      std::optional<Activation> act = lookupActivation(value.text);
      if (!act)
        return emitError(value.loc)
               << "unknown activation '" << value.text
               << "'; expected one of: none, relu, relu6, sigmoid, hswish";
      attrs.act = *act;
      break;
    }
    case AV_Pair: {
      Size2 size;
      if (value.kind == ValueAST::Pair)
        size = {value.first, value.second};
      else if (value.kind == ValueAST::Integer)
        size = {static_cast<int64_t>(value.number),
                static_cast<int64_t>(value.number)};
      else
        return wrongType();
      if (size.first < 1 || size.second < 1)
        return outOfRange("at least 1x1");
      (attr.name == "kernel" ? attrs.kernel : attrs.stride) = size;
      break;
    }
    case AV_Int: {
      if (value.kind != ValueAST::Integer)
        return wrongType();
      if (std::abs(value.number) > 9.0e15)
        return outOfRange("an integer of at most 15 digits");
      auto v = static_cast<int64_t>(value.number);
      if (attr.name == "axis") {
        attrs.axis = v;
        break;
      }
      if (attr.name == "seed") {
        if (v < 0)
          return outOfRange("a non-negative integer");
        attrs.seed = v;
        break;
      }
      if (v < 1)
        return outOfRange("a positive integer");
      if (attr.name == "filters")
        attrs.filters = v;
      else if (attr.name == "multiplier")
        attrs.multiplier = v;
      else
        attrs.units = v;
      break;
    }
    case AV_Float: {
      if (value.kind != ValueAST::Integer && value.kind != ValueAST::Float)
        return wrongType();
      double v = value.number;
      if (attr.name == "rate") {
        if (!(v >= 0 && v < 1))
          return outOfRange("a probability in [0, 1)");
        attrs.rate = v;
      } else if (attr.name == "epsilon") {
        if (!(v > 0 && v < 1))
          return outOfRange("in (0, 1)");
        attrs.epsilon = v;
      } else {
        if (!(v >= 0 && v <= 1))
          return outOfRange("in [0, 1]");
        attrs.momentum = v;
      }
      break;
    }
    }
  }
  return success();
}

void netrewrite::dsl::printLayerAttrs(LayerKind kind, const LayerAttrs &a,
                                      llvm::raw_ostream &os) {
  SmallVector<std::string> parts;
  auto add = [&](StringRef name, const std::string &value) {
    parts.push_back((name + "=" + value).str());
  };
  auto num = [](double v) {
    std::string s;
    llvm::raw_string_ostream(s) << llvm::format("%g", v);
    return s;
  };
  auto size = [](Size2 s) {
    return std::to_string(s.first) + "x" + std::to_string(s.second);
  };
  if (!a.actCapture.empty())
    add("act", "$" + a.actCapture);
  else if (a.act)
    add("act", spell(*a.act).str());
  if (a.kernel) add("kernel", size(*a.kernel));
  if (a.stride) add("stride", size(*a.stride));
  if (a.filters) add("filters", std::to_string(*a.filters));
  if (a.multiplier) add("multiplier", std::to_string(*a.multiplier));
  if (a.units) add("units", std::to_string(*a.units));
  if (a.epsilon) add("epsilon", num(*a.epsilon));
  if (a.momentum) add("momentum", num(*a.momentum));
  if (a.rate) add("rate", num(*a.rate));
  if (a.seed) add("seed", std::to_string(*a.seed));
  if (a.axis) add("axis", std::to_string(*a.axis));
  os << getLayerInfo(kind).spelling;
  if (!parts.empty())
    os << "[" << llvm::join(parts, ", ") << "]";
}

static void printItem(const ReplacementItem &item, llvm::raw_ostream &os) {
  if (item.role == ReplacementItem::Capture) {
    os << "$" << item.capture;
    return;
  }
  printLayerAttrs(item.kind, item.attrs, os);
}

void netrewrite::dsl::printRule(const Rule &rule, llvm::raw_ostream &os) {
  os << "match ";
  llvm::interleave(
      rule.alternatives, os,
      [&](const LayerPattern &alt) {
        LayerAttrs attrs = alt.attrs;
        printLayerAttrs(alt.kind, attrs, os);
        if (alt.nameGlob)
          os << "{name=\"" << alt.nameGlob->text << "\"}";
      },
      " | ");
  os << " -> ";
  if (!rule.keepsMatched && rule.before.empty()) {
    os << "delete";
    return;
  }
  os << "replace ";
  SmallVector<std::string> items;
  for (const ReplacementItem &item : rule.before) {
    items.emplace_back();
    llvm::raw_string_ostream s(items.back());
    printItem(item, s);
  }
  if (rule.keepsMatched) {
    items.emplace_back();
    llvm::raw_string_ostream s(items.back());
    s << "<matched>";
    if (rule.matched) {
      s << ":";
      printItem(*rule.matched, s);
    }
  }
  for (const ReplacementItem &item : rule.after) {
    items.emplace_back();
    llvm::raw_string_ostream s(items.back());
    printItem(item, s);
  }
  os << llvm::join(items, ", ");
}

FailureOr<RuleSet>
netrewrite::dsl::compileRules(StringRef buffer, StringRef filename,
                              MLIRContext *context,
                              const llvm::StringMap<double> &params) {
  Parser parser(buffer, filename, context);
  std::optional<FileAST> file = parser.parseFile();
  if (!file)
    return failure();
  return Sema(context).run(*file, filename, params);
}
