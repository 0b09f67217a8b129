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

TEST(DslPrinter, PrintsResolveRetryAfterRetryOnlyWhenNotTheDefault) {
  ParseResult parsed = Parse(R"(saga S {
  step a { send p.A to $.x success p.A1 resolve retry 10 }
  step b { send p.B to $.x success p.B1 resolve retry 10 backoff 1s..1m retry 2 backoff 1s..1m }
  step c { send p.C to $.x success p.C1 resolve retry 4 backoff 1s..1m retry 2 backoff 1s..1m }
  step d { send p.D to $.x success p.D1 resolve retry 10 backoff 200ms..3s }
})", "s.saga");
  ASSERT_TRUE(parsed.ok());
  // a and b: the default (10, with the step's backoff); c: only the count
  // differs, so the backoff is the step's and is left out; d: its own backoff.
  EXPECT_EQ(Print(parsed.definitions), R"(saga S {
  version 1
  start on api

  step a {
    send p.A to $.x { }
    success p.A1
  }

  step b {
    send p.B to $.x { }
    success p.B1
    retry 2 backoff 1s..1m
  }

  step c {
    send p.C to $.x { }
    success p.C1
    retry 2 backoff 1s..1m
    resolve retry 4
  }

  step d {
    send p.D to $.x { }
    success p.D1
    resolve retry 10 backoff 200ms..3s
  }
}
)");
  ParseResult again = Parse(Print(parsed.definitions), "s.saga");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ToJson(parsed.definitions[0]), ToJson(again.definitions[0]));
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

TEST(DslPrinter, ResolveRetryIsInTheJsonOnlyWhenNotTheDefault) {
  auto step_json = [](const std::string& clauses) {
    ParseResult parsed = Parse("saga S { step a { send p.A to $.x success p.B " + clauses + " } }", "s.saga");
    EXPECT_TRUE(parsed.ok()) << clauses;
    return ToJson(parsed.definitions.at(0))["steps"][0];
  };
  // The default: 10, with the step's backoff (whatever that is).
  EXPECT_FALSE(step_json("").contains("resolve_retry"));
  EXPECT_FALSE(step_json("resolve retry 10").contains("resolve_retry"));
  EXPECT_FALSE(step_json("retry 1 backoff 1s..2s resolve retry 10").contains("resolve_retry"));
  EXPECT_FALSE(step_json("retry 1 backoff 1s..2s resolve retry 10 backoff 1s..2s").contains("resolve_retry"));
  EXPECT_EQ(step_json("resolve retry 3")["resolve_retry"],
            (nlohmann::json{{"max_attempts", 4}, {"backoff_min_ms", 100}, {"backoff_max_ms", 5'000}}));
  EXPECT_EQ(step_json("resolve retry 10 backoff 1s..2s")["resolve_retry"],
            (nlohmann::json{{"max_attempts", 11}, {"backoff_min_ms", 1'000}, {"backoff_max_ms", 2'000}}));
}

}  // namespace
}  // namespace sagad::dsl
