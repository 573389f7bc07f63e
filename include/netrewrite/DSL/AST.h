//===- AST.h - Syntax tree of .nrr rule files -------------------*- C++ -*-===//
//
// What the parser produces: syntax only, every node with the location of the
// token it starts at. Meaning (which layers exist, which attributes they take,
// what a replacement may do) is decided by Sema.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_DSL_AST_H
#define NETREWRITE_DSL_AST_H

#include "mlir/IR/Location.h"
#include "llvm/ADT/SmallVector.h"
#include <memory>
#include <string>
#include <vector>

namespace netrewrite::dsl {

/// The right-hand side of `name = value`.
struct ValueAST {
  enum Kind { Identifier, Integer, Float, Pair, String, Reference };
  Kind kind;
  mlir::Location loc;
  std::string text;   // identifier, string contents, reference name
  double number = 0;  // Integer/Float
  int64_t first = 0, second = 0; // Pair

  mlir::Location getLoc() const { return loc; }
};

/// `name = value` inside a layer's brackets.
struct AttrAST {
  std::string name;
  mlir::Location loc;
  ValueAST value;

  mlir::Location getLoc() const { return loc; }
};

/// `conv[act=none, stride=2]`, or `$a` (a captured activation) in a
/// replacement list.
struct LayerAST {
  std::string name;
  bool isReference = false; // `$name`
  mlir::Location loc;
  std::vector<AttrAST> attrs;

  mlir::Location getLoc() const { return loc; }
};

/// `match L1 | L2 -> replace A, B` and friends.
struct RuleAST {
  enum Action { Replace, InsertAfter, InsertBefore, Delete };
  mlir::Location loc;
  std::vector<LayerAST> alternatives;
  Action action = Replace;
  mlir::Location actionLoc;
  std::vector<LayerAST> items;
  std::string sourceText; // the rule as written, for reports

  mlir::Location getLoc() const { return loc; }
};

/// `param rate = 0.01`: a value that a pass may override.
struct ParamAST {
  std::string name;
  mlir::Location loc;
  ValueAST value;
};

struct FileAST {
  std::vector<ParamAST> params;
  std::vector<RuleAST> rules;
};

} // namespace netrewrite::dsl

#endif // NETREWRITE_DSL_AST_H
