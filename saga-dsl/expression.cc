#include "saga-dsl/expression.h"

#include <cstdio>

namespace sagad::dsl {
namespace {

bool IsIdentifier(const std::string& text) {
  if (text.empty()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!letter && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

std::string_view JsonTypeName(const nlohmann::json& value) {
  if (value.is_null()) return "null";
  if (value.is_boolean()) return "a bool";
  if (value.is_number()) return "a number";
  if (value.is_string()) return "a string";
  if (value.is_array()) return "an array";
  return "an object";
}

EvalResult EvaluatePath(const std::vector<std::string>& path, const nlohmann::json& context) {
  const nlohmann::json* current = &context;
  std::vector<std::string> walked;
  for (const std::string& segment : path) {
    if (!current->is_object()) {
      return {nullptr, PathToString(path) + ": " + PathToString(walked) + " is " +
                           std::string(JsonTypeName(*current)) + ", not an object"};
    }
    auto it = current->find(segment);
    if (it == current->end()) {
      return {nullptr, PathToString(path) + ": no field '" + segment + "' in " + PathToString(walked)};
    }
    current = &*it;
    walked.push_back(segment);
  }
  return {*current, ""};
}

}  // namespace

Expr Expr::EmptyObject() {
  Expr expr;
  expr.kind = Kind::kObject;
  return expr;
}

EvalResult Evaluate(const Expr& expr, const nlohmann::json& context) {
  switch (expr.kind) {
    case Expr::Kind::kLiteral:
      return {expr.literal, ""};
    case Expr::Kind::kPath:
      return EvaluatePath(expr.path, context);
    case Expr::Kind::kObject: {
      nlohmann::json object = nlohmann::json::object();
      for (const ExprField& field : expr.fields) {
        EvalResult value = Evaluate(field.value, context);
        if (!value.ok()) return value;
        object[field.key] = std::move(value.value);
      }
      return {std::move(object), ""};
    }
    case Expr::Kind::kArray: {
      nlohmann::json array = nlohmann::json::array();
      for (const Expr& element : expr.elements) {
        EvalResult value = Evaluate(element, context);
        if (!value.ok()) return value;
        array.push_back(std::move(value.value));
      }
      return {std::move(array), ""};
    }
  }
  return {nullptr, "unknown expression kind"};
}

std::string PathToString(const std::vector<std::string>& path) {
  std::string out = "$";
  for (const std::string& segment : path) out += "." + segment;
  return out;
}

std::string QuoteString(const std::string& text) {
  // Our own escaper rather than nlohmann's dump: the lexer only admits valid
  // UTF-8, and bytes >= 0x80 pass through untouched, so print -> parse gives
  // back the same string.
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04X", static_cast<unsigned char>(c));
          out += buffer;
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

std::string ExprToString(const Expr& expr) {
  switch (expr.kind) {
    case Expr::Kind::kLiteral:
      if (expr.literal.is_string()) return QuoteString(expr.literal.get<std::string>());
      return expr.literal.dump();
    case Expr::Kind::kPath:
      return PathToString(expr.path);
    case Expr::Kind::kObject: {
      if (expr.fields.empty()) return "{ }";
      std::string out = "{ ";
      for (std::size_t i = 0; i < expr.fields.size(); ++i) {
        const ExprField& field = expr.fields[i];
        if (i > 0) out += ", ";
        out += IsIdentifier(field.key) ? field.key : QuoteString(field.key);
        out += ": " + ExprToString(field.value);
      }
      return out + " }";
    }
    case Expr::Kind::kArray: {
      std::string out = "[";
      for (std::size_t i = 0; i < expr.elements.size(); ++i) {
        if (i > 0) out += ", ";
        out += ExprToString(expr.elements[i]);
      }
      return out + "]";
    }
  }
  return "";
}

}  // namespace sagad::dsl
