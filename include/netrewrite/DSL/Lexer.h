//===- Lexer.h - Tokens of .nrr rule files ----------------------*- C++ -*-===//
//
// A hand-written lexer in the style of MLIR's Toy tutorial: every token is
// stamped with its line and column so that each later diagnostic can point
// at it.
//
//===----------------------------------------------------------------------===//

#ifndef NETREWRITE_DSL_LEXER_H
#define NETREWRITE_DSL_LEXER_H

#include "llvm/ADT/StringRef.h"
#include <cstdint>
#include <string>

namespace netrewrite::dsl {

enum class TokenKind {
  Eof,
  Error,      // text holds the message
  Identifier, // [A-Za-z_][A-Za-z0-9_]*
  Integer,    // 12
  Float,      // 0.01, 1e-3
  Pair,       // 3x3
  String,     // "block_1*" (text holds the unescaped contents)
  Dollar,     // $
  LBracket,   // [
  RBracket,   // ]
  Comma,      // ,
  Equal,      // =
  Arrow,      // ->
  Semicolon,  // ;
  Bar,        // |
  // Keywords.
  KwMatch,
  KwReplace,
  KwInsert,
  KwAfter,
  KwBefore,
  KwDelete,
  KwParam,
};

/// A human-readable name for diagnostics ("identifier", "'->'").
llvm::StringRef describe(TokenKind kind);

struct Token {
  TokenKind kind = TokenKind::Eof;
  std::string text;
  unsigned line = 1, col = 1;
  double number = 0;            // Integer/Float value
  int64_t first = 0, second = 0; // Pair value
  size_t offset = 0, end = 0;     // byte range in the buffer
};

/// Splits a rule file into tokens. `#` and `//` start comments that run to the
/// end of the line. Never fails: bad characters become Error tokens that the
/// parser reports.
class Lexer {
public:
  explicit Lexer(llvm::StringRef buffer) : buffer(buffer) {}

  /// Returns the next token and advances.
  Token next();

private:
  char peek(size_t ahead = 0) const {
    return pos + ahead < buffer.size() ? buffer[pos + ahead] : '\0';
  }
  char advance();
  void skipSpaceAndComments();
  Token lexToken();
  Token lexNumber(Token tok);
  Token lexString(Token tok);

  llvm::StringRef buffer;
  size_t pos = 0;
  unsigned line = 1, col = 1;
};

} // namespace netrewrite::dsl

#endif // NETREWRITE_DSL_LEXER_H
