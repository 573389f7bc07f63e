//===- Parser.h - Recursive-descent parser for .nrr files -------*- C++ -*-===//
//
// Grammar (EBNF; docs/dsl.md has the full description):
//
//   file    ::= { param | rule } EOF
//   param   ::= 'param' IDENT '=' value [';']
//   rule    ::= 'match' layer { '|' layer } '->' action [';']
//   action  ::= 'replace' item { ',' item }
//             | 'insert' ('after' | 'before') item { ',' item }
//             | 'delete'
//   item    ::= layer | '$' IDENT
//   layer   ::= IDENT [ '[' [ attr { ',' attr } ] ']' ]
//   attr    ::= IDENT '=' value
//   value   ::= IDENT | INTEGER | FLOAT | PAIR | STRING | '$' IDENT
//
// Syntax only: the first error is reported through MLIR's diagnostic engine
// at the offending token and parsing stops.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_DSL_PARSER_H
#define NETREWRITE_DSL_PARSER_H

#include "netrewrite/DSL/AST.h"
#include "netrewrite/DSL/Lexer.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Support/LLVM.h"
#include <optional>

namespace netrewrite::dsl {

class Parser {
public:
  Parser(llvm::StringRef buffer, llvm::StringRef filename,
         mlir::MLIRContext *context);

  /// file ::= { param | rule } EOF
  std::optional<FileAST> parseFile();

private:
  /// param ::= 'param' IDENT '=' value [';']
  mlir::LogicalResult parseParam(FileAST &file);
  /// rule ::= 'match' layer { '|' layer } '->' action [';']
  mlir::LogicalResult parseRule(FileAST &file);
  /// item ::= layer | '$' IDENT
  mlir::LogicalResult parseItem(LayerAST &layer);
  /// layer ::= IDENT [ '[' [ attr { ',' attr } ] ']' ]
  mlir::LogicalResult parseLayer(LayerAST &layer);
  /// value ::= IDENT | INTEGER | FLOAT | PAIR | STRING | '$' IDENT
  mlir::LogicalResult parseValue(ValueAST &value);

  void consume();
  mlir::Location loc(const Token &tok) const;
  /// Reports "expected <what>, got <current token>" at the current token.
  mlir::LogicalResult expected(llvm::StringRef what);
  mlir::LogicalResult expect(TokenKind kind, llvm::StringRef what);

  llvm::StringRef buffer;
  Lexer lexer;
  Token tok;
  size_t prevEnd = 0; // end of the last consumed token
  mlir::StringAttr filename;
};

} // namespace netrewrite::dsl

#endif // NETREWRITE_DSL_PARSER_H
