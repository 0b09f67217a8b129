#include "saga-dsl/printer.h"

#include <gtest/gtest.h>

#include "saga-dsl/ast_json.h"
#include "saga-dsl/parser.h"

namespace sagad::dsl {
namespace {

TEST(DslPrinter, PrintsCanonicalLayoutWithoutDefaultsAndKeepsComments) {
  ParseResult parsed = Parse(R"(# header
saga S { version 2 start on o.Placed key $.id   # the key
  step a { success p.A1 capture id send p.A to $.x {q:1} timeout 30s retry 3 backoff 1s..5s }
  # before b
  step b after a { send p.B to $.a.id success p.B1 failure p.B2 retry 1 }
  on completed send o.Done to $.id
}
)", "s.saga");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(Print(parsed.definitions, parsed.comments), R"(# header
saga S {
  version 2
  start on o.Placed
  key $.id  # the key

  step a {
    send p.A to $.x { q: 1 }
    success p.A1 capture id
    retry 3 backoff 1s..5s
  }

  # before b
  step b after a {
    send p.B to $.a.id { }
    success p.B1
    failure p.B2
    retry 1
  }

  on completed send o.Done to $.id { }
}
)");
}

TEST(DslPrinter, RoundTripKeepsTheMeaning) {
  ParseResult parsed = Parse(R"(tcc T { timeout 1h branch x { try a.T to "id" { v: [1, {w: null}] }
    confirm a.C to 5 cancel a.X to $.k } })", "t.saga");
  ASSERT_TRUE(parsed.ok());
  ParseResult again = Parse(Print(parsed.definitions), "t.saga");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ToJson(parsed.definitions[0]), ToJson(again.definitions[0]));
  EXPECT_EQ(ContentHash(parsed.definitions[0]), ContentHash(again.definitions[0]));
  EXPECT_EQ(ContentHash(parsed.definitions[0]).size(), 16u);
}

TEST(DslPrinter, ContentHashChangesWithMeaning) {
  ParseResult one = Parse("saga S { step a { send p.A to $.x success p.B } }", "s.saga");
  ParseResult two = Parse("saga S { step a { send p.A to $.x success p.B timeout 5s } }", "s.saga");
  ParseResult layout = Parse("# note\nsaga S {\n step a {\n send p.A to $.x\n success p.B } }", "s.saga");
  EXPECT_NE(ContentHash(one.definitions[0]), ContentHash(two.definitions[0]));
  EXPECT_EQ(ContentHash(one.definitions[0]), ContentHash(layout.definitions[0]));
}

}  // namespace
}  // namespace sagad::dsl
