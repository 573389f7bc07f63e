//===- Parser.cpp - Recursive-descent parser for .nrr files ---------------===//

#include "netrewrite/DSL/Parser.h"

#include "mlir/IR/Diagnostics.h"

using namespace mlir;
using namespace netrewrite::dsl;

Parser::Parser(StringRef buffer, StringRef filename, MLIRContext *context)
    : buffer(buffer), lexer(buffer),
      filename(StringAttr::get(context, filename)) {
  consume();
}

void Parser::consume() {
  prevEnd = tok.end;
  tok = lexer.next();
}

Location Parser::loc(const Token &t) const {
  return FileLineColLoc::get(filename, t.line, t.col);
}

static std::string spell(const Token &t) {
  switch (t.kind) {
  case TokenKind::Eof:
    return "end of file";
  case TokenKind::String:
    return "string \"" + t.text + "\"";
  case TokenKind::Identifier:
    return "identifier '" + t.text + "'";
  default:
    return "'" + t.text + "'";
  }
}

LogicalResult Parser::expected(StringRef what) {
  if (tok.kind == TokenKind::Error)
    return emitError(loc(tok)) << tok.text << " (expected " << what << ")";
  return emitError(loc(tok)) << "expected " << what << ", got " << spell(tok);
}

LogicalResult Parser::expect(TokenKind kind, StringRef what) {
  if (tok.kind != kind)
    return expected(what);
  consume();
  return success();
}

std::optional<FileAST> Parser::parseFile() {
  FileAST file;
  while (tok.kind != TokenKind::Eof) {
    LogicalResult result = failure();
    if (tok.kind == TokenKind::KwParam)
      result = parseParam(file);
    else if (tok.kind == TokenKind::KwMatch)
      result = parseRule(file);
    else
      result = expected("'match' (start of a rule) or 'param'");
    if (failed(result))
      return std::nullopt;
  }
  return file;
}

LogicalResult Parser::parseParam(FileAST &file) {
  ParamAST param{"", loc(tok), {ValueAST::Integer, loc(tok), ""}};
  consume(); // 'param'
  if (tok.kind != TokenKind::Identifier)
    return expected("a parameter name after 'param'");
  param.name = tok.text;
  param.loc = loc(tok);
  consume();
  if (failed(expect(TokenKind::Equal, "'=' after the parameter name")) ||
      failed(parseValue(param.value)))
    return failure();
  if (param.value.kind == ValueAST::Reference)
    return emitError(param.value.loc)
           << "expected a literal value for parameter '" << param.name
           << "', got a reference";
  if (tok.kind == TokenKind::Semicolon)
    consume();
  file.params.push_back(std::move(param));
  return success();
}

LogicalResult Parser::parseRule(FileAST &file) {
  size_t start = tok.offset;
  RuleAST rule{loc(tok), {}, RuleAST::Replace, loc(tok), {}, ""};
  consume(); // 'match'
  do {
    LayerAST layer{"", false, loc(tok), {}};
    if (failed(parseLayer(layer)))
      return failure();
    rule.alternatives.push_back(std::move(layer));
    if (tok.kind != TokenKind::Bar)
      break;
    consume();
  } while (true);

  if (failed(expect(TokenKind::Arrow, "'->' after the matched layer")))
    return failure();

  rule.actionLoc = loc(tok);
  bool needsItems = true;
  switch (tok.kind) {
  case TokenKind::KwReplace:
    rule.action = RuleAST::Replace;
    consume();
    break;
  case TokenKind::KwInsert:
    consume();
    if (tok.kind == TokenKind::KwAfter)
      rule.action = RuleAST::InsertAfter;
    else if (tok.kind == TokenKind::KwBefore)
      rule.action = RuleAST::InsertBefore;
    else
      return expected("'after' or 'before' after 'insert'");
    consume();
    break;
  case TokenKind::KwDelete:
    rule.action = RuleAST::Delete;
    needsItems = false;
    consume();
    break;
  default:
    return expected("'replace', 'insert' or 'delete'");
  }

  if (needsItems) {
    do {
      LayerAST item{"", false, loc(tok), {}};
      if (failed(parseItem(item)))
        return failure();
      rule.items.push_back(std::move(item));
      if (tok.kind != TokenKind::Comma)
        break;
      consume();
    } while (true);
  }
  size_t end = prevEnd;
  if (tok.kind == TokenKind::Semicolon) {
    end = tok.end;
    consume();
  } else if (tok.kind != TokenKind::Eof && tok.kind != TokenKind::KwMatch &&
             tok.kind != TokenKind::KwParam) {
    return expected(needsItems ? "',', ';' or the next rule"
                               : "';' or the next rule");
  }
  rule.sourceText = StringRef(buffer).slice(start, end).rtrim().str();
  file.rules.push_back(std::move(rule));
  return success();
}

LogicalResult Parser::parseItem(LayerAST &layer) {
  if (tok.kind != TokenKind::Dollar)
    return parseLayer(layer);
  layer.loc = loc(tok);
  consume();
  if (tok.kind != TokenKind::Identifier)
    return expected("a capture name after '$'");
  layer.name = tok.text;
  layer.isReference = true;
  consume();
  return success();
}

LogicalResult Parser::parseLayer(LayerAST &layer) {
  if (tok.kind != TokenKind::Identifier)
    return expected("a layer name (like conv, bn, relu)");
  layer.name = tok.text;
  layer.loc = loc(tok);
  consume();
  if (tok.kind != TokenKind::LBracket)
    return success();
  consume();
  if (tok.kind == TokenKind::RBracket) {
    consume();
    return success();
  }
  do {
    if (tok.kind != TokenKind::Identifier)
      return expected("an attribute name");
    AttrAST attr{tok.text, loc(tok), {ValueAST::Integer, loc(tok), ""}};
    consume();
    if (failed(expect(TokenKind::Equal,
                      "'=' after attribute '" + attr.name + "'")) ||
        failed(parseValue(attr.value)))
      return failure();
    layer.attrs.push_back(std::move(attr));
    if (tok.kind != TokenKind::Comma)
      break;
    consume();
  } while (true);
  return expect(TokenKind::RBracket, "',' or ']' in the attribute list");
}

LogicalResult Parser::parseValue(ValueAST &value) {
  value.loc = loc(tok);
  value.text = tok.text;
  switch (tok.kind) {
  case TokenKind::Identifier:
    value.kind = ValueAST::Identifier;
    break;
  case TokenKind::Integer:
    value.kind = ValueAST::Integer;
    value.number = tok.number;
    break;
  case TokenKind::Float:
    value.kind = ValueAST::Float;
    value.number = tok.number;
    break;
  case TokenKind::Pair:
    value.kind = ValueAST::Pair;
    value.first = tok.first;
    value.second = tok.second;
    break;
  case TokenKind::String:
    value.kind = ValueAST::String;
    break;
  case TokenKind::Dollar:
    consume();
    if (tok.kind != TokenKind::Identifier)
      return expected("a parameter or capture name after '$'");
    value.kind = ValueAST::Reference;
    value.text = tok.text;
    break;
  default:
    return expected("a value (name, number, size like 3x3, or string)");
  }
  consume();
  return success();
}
