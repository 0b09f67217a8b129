#include "saga-dsl/expression.h"

#include <gtest/gtest.h>

#include "saga-dsl/expression_parser.h"

namespace sagad::dsl {
namespace {

Expr ParseOk(std::string_view text) {
  DiagnosticSink sink("t.saga");
  TokenCursor cursor(text, &sink);
  std::optional<Expr> expr = ParseExpression(cursor);
  EXPECT_TRUE(expr.has_value()) << text;
  EXPECT_TRUE(sink.Take().empty()) << text;
  return expr.value_or(Expr{});
}

const nlohmann::json kContext = {
    {"order_id", "o-1"},
    {"qty", 2},
    {"saga_id", "s-9"},
    {"charge_payment", {{"payment_id", "p-7"}}},
};

TEST(DslExpression, EvaluatesPathsLiteralsObjectsAndArrays) {
  Expr expr = ParseOk(R"({ order_id: $.order_id, "the qty": $.qty, tags: [1, 2.5, "x", true, null], pay: $.charge_payment.payment_id })");
  EvalResult result = Evaluate(expr, kContext);
  ASSERT_TRUE(result.ok()) << result.error;
  nlohmann::json expected = {
      {"order_id", "o-1"}, {"the qty", 2}, {"tags", {1, 2.5, "x", true, nullptr}}, {"pay", "p-7"}};
  EXPECT_EQ(result.value, expected);
}

TEST(DslExpression, DollarAloneIsTheWholeContext) {
  EvalResult result = Evaluate(ParseOk("$"), kContext);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result.value, kContext);
}

TEST(DslExpression, MissingFieldIsAClearError) {
  EvalResult result = Evaluate(ParseOk("{ a: $.charge_payment.refund_id }"), kContext);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error, "$.charge_payment.refund_id: no field 'refund_id' in $.charge_payment");
}

TEST(DslExpression, PathThroughANonObjectIsAClearError) {
  EvalResult result = Evaluate(ParseOk("$.qty.units"), kContext);
  EXPECT_FALSE(result.ok());
  EXPECT_EQ(result.error, "$.qty.units: $.qty is a number, not an object");
}

TEST(DslExpression, PrintsCanonicalSource) {
  EXPECT_EQ(ExprToString(ParseOk("{a:$.x,\"b c\":[ 1,\"q\\\"\" ],d:{}}")), R"({ a: $.x, "b c": [1, "q\""], d: { } })");
  EXPECT_EQ(ExprToString(ParseOk("[]")), "[]");
  EXPECT_EQ(ExprToString(ParseOk("-1.5")), "-1.5");
}

TEST(DslExpression, RefusesNestingPastTheLimitWithoutRecursing) {
  std::string deep(100'000, '[');
  DiagnosticSink sink("t.saga");
  TokenCursor cursor(deep, &sink);
  EXPECT_FALSE(ParseExpression(cursor).has_value());
  std::vector<Diagnostic> diagnostics = sink.Take();
  ASSERT_FALSE(diagnostics.empty());
  EXPECT_EQ(diagnostics[0].message, "value nested deeper than 64 levels");
}

TEST(DslExpression, RejectsDuplicateObjectKeys) {
  DiagnosticSink sink("t.saga");
  TokenCursor cursor("{ a: 1, a: 2 }", &sink);
  EXPECT_FALSE(ParseExpression(cursor).has_value());
  std::vector<Diagnostic> diagnostics = sink.Take();
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].message, "duplicate field 'a' in object");
}

}  // namespace
}  // namespace sagad::dsl
