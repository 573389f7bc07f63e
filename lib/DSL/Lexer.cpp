//===- Lexer.cpp - Tokens of .nrr rule files ------------------------------===//

#include "netrewrite/DSL/Lexer.h"

#include "llvm/ADT/StringSwitch.h"
#include <cerrno>
#include <cstdlib>

using namespace netrewrite::dsl;

llvm::StringRef netrewrite::dsl::describe(TokenKind kind) {
  switch (kind) {
  case TokenKind::Eof: return "end of file";
  case TokenKind::Error: return "invalid token";
  case TokenKind::Identifier: return "identifier";
  case TokenKind::Integer: return "integer";
  case TokenKind::Float: return "number";
  case TokenKind::Pair: return "size (like 3x3)";
  case TokenKind::String: return "string";
  case TokenKind::Dollar: return "'$'";
  case TokenKind::LBracket: return "'['";
  case TokenKind::RBracket: return "']'";
  case TokenKind::Comma: return "','";
  case TokenKind::Equal: return "'='";
  case TokenKind::Arrow: return "'->'";
  case TokenKind::Semicolon: return "';'";
  case TokenKind::Bar: return "'|'";
  case TokenKind::KwMatch: return "'match'";
  case TokenKind::KwReplace: return "'replace'";
  case TokenKind::KwInsert: return "'insert'";
  case TokenKind::KwAfter: return "'after'";
  case TokenKind::KwBefore: return "'before'";
  case TokenKind::KwDelete: return "'delete'";
  case TokenKind::KwParam: return "'param'";
  }
  return "token";
}

char Lexer::advance() {
  char c = peek();
  if (c == '\0')
    return c;
  ++pos;
  if (c == '\n') {
    ++line;
    col = 1;
  } else {
    ++col;
  }
  return c;
}

void Lexer::skipSpaceAndComments() {
  while (true) {
    char c = peek();
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
        c == '\v') {
      advance();
    } else if (c == '#' || (c == '/' && peek(1) == '/')) {
      while (peek() != '\n' && pos < buffer.size())
        advance();
    } else {
      return;
    }
  }
}

static bool isIdentStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
static bool isDigit(char c) { return c >= '0' && c <= '9'; }

Token Lexer::lexNumber(Token tok) {
  size_t start = pos;
  bool isFloat = false;
  while (isDigit(peek()))
    advance();
  // `3x3`: a size. Only digits may follow the `x`.
  if (peek() == 'x' && isDigit(peek(1))) {
    std::string a = buffer.slice(start, pos).str();
    advance();
    size_t secondStart = pos;
    while (isDigit(peek()))
      advance();
    std::string b = buffer.slice(secondStart, pos).str();
    tok.text = buffer.slice(start, pos).str();
    if (a.size() > 9 || b.size() > 9 || isIdentStart(peek())) {
      while (isIdentStart(peek()) || isDigit(peek()))
        advance();
      tok.kind = TokenKind::Error;
      tok.text = "malformed size '" + buffer.slice(start, pos).str() + "'";
      return tok;
    }
    tok.kind = TokenKind::Pair;
    tok.first = std::stoll(a);
    tok.second = std::stoll(b);
    return tok;
  }
  if (peek() == '.' && isDigit(peek(1))) {
    isFloat = true;
    advance();
    while (isDigit(peek()))
      advance();
  }
  if ((peek() == 'e' || peek() == 'E') &&
      (isDigit(peek(1)) ||
       ((peek(1) == '-' || peek(1) == '+') && isDigit(peek(2))))) {
    isFloat = true;
    advance();
    if (peek() == '-' || peek() == '+')
      advance();
    while (isDigit(peek()))
      advance();
  }
  tok.text = buffer.slice(start, pos).str();
  if (isIdentStart(peek())) {
    while (isIdentStart(peek()) || isDigit(peek()))
      advance();
    tok.kind = TokenKind::Error;
    tok.text = "malformed number '" + buffer.slice(start, pos).str() + "'";
    return tok;
  }
  errno = 0;
  tok.number = std::strtod(tok.text.c_str(), nullptr);
  if (errno == ERANGE) {
    tok.kind = TokenKind::Error;
    tok.text = "number '" + tok.text + "' is out of range";
    return tok;
  }
  tok.kind = isFloat ? TokenKind::Float : TokenKind::Integer;
  return tok;
}

Token Lexer::lexString(Token tok) {
  advance(); // opening quote
  std::string value;
  while (true) {
    char c = peek();
    if (c == '\0' || c == '\n') {
      tok.kind = TokenKind::Error;
      tok.text = "unterminated string";
      return tok;
    }
    advance();
    if (c == '"')
      break;
    if (c == '\\') {
      char e = peek();
      if (e != '"' && e != '\\') {
        tok.kind = TokenKind::Error;
        tok.text = "unknown escape in string; only \\\" and \\\\ are allowed";
        return tok;
      }
      advance();
      value.push_back(e);
      continue;
    }
    value.push_back(c);
  }
  tok.kind = TokenKind::String;
  tok.text = std::move(value);
  return tok;
}

Token Lexer::next() {
  skipSpaceAndComments();
  size_t start = pos;
  Token tok = lexToken();
  tok.offset = start;
  tok.end = pos;
  return tok;
}

Token Lexer::lexToken() {
  Token tok;
  tok.line = line;
  tok.col = col;
  char c = peek();
  if (pos >= buffer.size()) {
    tok.kind = TokenKind::Eof;
    return tok;
  }
  if (isIdentStart(c)) {
    size_t start = pos;
    while (isIdentStart(peek()) || isDigit(peek()))
      advance();
    tok.text = buffer.slice(start, pos).str();
    tok.kind = llvm::StringSwitch<TokenKind>(tok.text)
                   .Case("match", TokenKind::KwMatch)
                   .Case("replace", TokenKind::KwReplace)
                   .Case("insert", TokenKind::KwInsert)
                   .Case("after", TokenKind::KwAfter)
                   .Case("before", TokenKind::KwBefore)
                   .Case("delete", TokenKind::KwDelete)
                   .Case("param", TokenKind::KwParam)
                   .Default(TokenKind::Identifier);
    return tok;
  }
  if (isDigit(c))
    return lexNumber(tok);
  if (c == '-' && isDigit(peek(1))) {
    advance();
    tok = lexNumber(tok);
    if (tok.kind == TokenKind::Integer || tok.kind == TokenKind::Float) {
      tok.number = -tok.number;
      tok.text = "-" + tok.text;
    } else if (tok.kind == TokenKind::Pair) {
      tok.kind = TokenKind::Error;
      tok.text = "a size cannot be negative";
    }
    return tok;
  }
  if (c == '"')
    return lexString(tok);
  advance();
  tok.text = std::string(1, c);
  switch (c) {
  case '$': tok.kind = TokenKind::Dollar; return tok;
  case '[': tok.kind = TokenKind::LBracket; return tok;
  case ']': tok.kind = TokenKind::RBracket; return tok;
  case ',': tok.kind = TokenKind::Comma; return tok;
  case '=': tok.kind = TokenKind::Equal; return tok;
  case ';': tok.kind = TokenKind::Semicolon; return tok;
  case '|': tok.kind = TokenKind::Bar; return tok;
  case '-':
    if (peek() == '>') {
      advance();
      tok.kind = TokenKind::Arrow;
      tok.text = "->";
      return tok;
    }
    break;
  default:
    break;
  }
  tok.kind = TokenKind::Error;
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f)
    tok.text = "unexpected character (byte " +
               std::to_string(static_cast<unsigned char>(c)) + ")";
  else
    tok.text = "unexpected character '" + std::string(1, c) + "'";
  return tok;
}
