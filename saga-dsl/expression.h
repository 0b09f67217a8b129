// Expressions: how a definition says where a command's target and payload
// come from. At runtime the coordinator evaluates them against the saga's
// context (the start payload at the root, `saga_id`, each step's captures
// under the step's name, and `failure` during compensation).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "saga-dsl/diagnostic.h"

namespace sagad::dsl {

struct ExprField;

struct Expr {
  enum class Kind {
    kLiteral,  // string, number, bool or null: `literal`
    kPath,     // $.a.b: `path` = {"a", "b"}; `$` alone is the whole context
    kObject,   // { key: expr, ... } in written order: `fields`
    kArray,    // [ expr, ... ]: `elements`
  };

  Kind kind = Kind::kLiteral;
  nlohmann::json literal;
  std::vector<std::string> path;
  std::vector<ExprField> fields;
  std::vector<Expr> elements;
  SourceLocation location;

  static Expr EmptyObject();
};

struct ExprField {
  std::string key;
  Expr value;
  SourceLocation location;  // of the key
};

// The value of an expression, or why there is none.
struct EvalResult {
  nlohmann::json value;
  std::string error;  // empty when ok

  bool ok() const { return error.empty(); }
};

// Builds the JSON value of `expr` from `context`. A path that does not exist
// is an error naming the path and the part that is missing, e.g.
// "$.charge_payment.payment_id: no field 'payment_id' in $.charge_payment".
// Never throws.
EvalResult Evaluate(const Expr& expr, const nlohmann::json& context);

// Source form, as the canonical printer writes it: `$.order_id`,
// `{ order_id: $.order_id, qty: 2 }`, `[1, "a"]`, `{ }`.
std::string ExprToString(const Expr& expr);

// `$.a.b` for a path.
std::string PathToString(const std::vector<std::string>& path);

// A string literal in source form, with JSON escapes ("a\"b").
std::string QuoteString(const std::string& text);

}  // namespace sagad::dsl
