#include "core/json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace sagad {

static void PrintTo(StatusCode code, std::ostream* os) { *os << StatusCodeName(code); }

namespace {

using ::testing::AnyOf;
using ::testing::HasSubstr;

// `depth` nested arrays around `leaf`: Arrays(2, "1") is "[[1]]".
std::string Arrays(int depth, const std::string& leaf = "") {
  return std::string(static_cast<std::size_t>(depth), '[') + leaf + std::string(static_cast<std::size_t>(depth), ']');
}

// `depth` nested objects: {"a":{"a":{}}} for depth 3.
std::string Objects(int depth) {
  std::string text;
  for (int i = 1; i < depth; ++i) text += "{\"a\":";
  text += "{}";
  text += std::string(static_cast<std::size_t>(depth - 1), '}');
  return text;
}

// ParseJson's answer for `text`, failing the test if it throws.
Result<Json> Parse(const std::string& text, int max_depth = kMaxJsonDepth) {
  try {
    return ParseJson(text, max_depth);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "ParseJson threw on '" << text.substr(0, 80) << "': " << e.what();
    return Status::Internal("threw");
  }
}

void ExpectRefused(const std::string& text) {
  Result<Json> parsed = Parse(text);
  EXPECT_FALSE(parsed.ok()) << "accepted '" << text << "'";
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << parsed.status().ToString();
}

TEST(ParseJsonTest, ParsesDocumentsOfEveryKind) {
  Result<Json> object = Parse(R"({"sku":"A-1","qty":3,"price":9.5,"tags":["x"],"gift":false,"note":null})");
  ASSERT_TRUE(object.ok()) << object.status().ToString();
  EXPECT_EQ(object->at("sku"), "A-1");
  EXPECT_EQ(object->at("qty"), 3);
  EXPECT_EQ(object->at("price"), 9.5);
  EXPECT_EQ(object->at("tags"), Json::array({"x"}));
  EXPECT_TRUE(object->at("note").is_null());
  for (const char* scalar : {"1", "-2.5e3", "\"s\"", "true", "null", "[]", "{}"}) {
    EXPECT_TRUE(Parse(scalar).ok()) << scalar;
  }
  Result<Json> spaced = Parse(" \n\t{ \"a\" : [ 1 , 2 ] }\r\n ");
  ASSERT_TRUE(spaced.ok());
  EXPECT_EQ(spaced->at("a").size(), 2u);
}

TEST(ParseJsonTest, MalformedInputIsInvalidArgumentNamingThePosition) {
  //                      0123456
  Result<Json> parsed = Parse("[1, 2,,3]");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), AnyOf(HasSubstr("column 7"), HasSubstr("byte 7"), HasSubstr("offset 7")));

  Result<Json> multiline = Parse("{\n  \"a\": 1,\n  \"b\": ]\n}");
  ASSERT_FALSE(multiline.ok());
  EXPECT_THAT(multiline.status().message(), AnyOf(HasSubstr("line 3"), HasSubstr("byte 19"), HasSubstr("offset 19")));
}

TEST(ParseJsonTest, RefusesWhatIsNotOneJsonDocument) {
  for (const char* text : {"", "   ", "{", "[1,2", "{\"a\":}", "{'a':1}", "{a:1}", "[1,]", "tru",
                                  "\"unterminated", "{} {}", "1 2", "[1] x", "NaN", "01", "\"\\x\"", "/* c */ 1"}) {
    SCOPED_TRACE(text);
    ExpectRefused(text);
  }
}

TEST(ParseJsonTest, RefusesInvalidUtf8InStrings) {
  ExpectRefused("\"\xff\xfe\"");
  ExpectRefused("\"\xc3\"");          // truncated sequence
  ExpectRefused("\"\xed\xa0\x80\"");  // UTF-16 surrogate encoded in UTF-8
}

TEST(ParseJsonTest, AcceptsUnicodeAndEscapes) {
  Result<Json> parsed = Parse(R"(["日本語 😀", "e\u0301", "\u0000nul", "\ud83d\ude00"])");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->at(0), "日本語 😀");
  EXPECT_EQ(parsed->at(1), "e\u0301");
  EXPECT_EQ(parsed->at(2).get<std::string>(), std::string("\0nul", 4));
  EXPECT_EQ(parsed->at(3), "😀");
}

// Regression test for a fixed bug: nlohmann throws json::out_of_range (not parse_error) for a
// number that overflows a double; ParseJson only catches parse_error, so the
// exception escapes and takes the server down on one bad request.
TEST(ParseJsonTest, NumberTooLargeForADoubleIsRefusedNotThrown) {
  ExpectRefused("1e400");
  ExpectRefused("[-1e400]");
  ExpectRefused("{\"amount\": 9e999999}");
}

TEST(ParseJsonTest, HugeIntegersParseWithoutThrowing) {
  Result<Json> parsed = Parse("[18446744073709551615, -9223372036854775808, 123456789012345678901234567890]");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->at(0).get<std::uint64_t>(), 18446744073709551615u);
  EXPECT_TRUE(parsed->at(2).is_number_float());
}

TEST(ParseJsonTest, NestingUpToTheLimitIsAccepted) {
  EXPECT_TRUE(Parse(Arrays(kMaxJsonDepth)).ok());
  EXPECT_TRUE(Parse(Arrays(kMaxJsonDepth, "1")).ok());
  EXPECT_TRUE(Parse(Objects(kMaxJsonDepth)).ok());
}

// Regression test for a fixed bug: the depth callback sees an array's or object's own depth
// counted from 0, so containers nested kMaxJsonDepth + 1 deep get through
// when the innermost one is empty; only a scalar inside the innermost
// container (one level further down) trips the limit.
TEST(ParseJsonTest, NestingBeyondTheLimitIsRefusedNamingTheLimit) {
  struct Case {
    std::string what;
    std::string text;
  };
  std::vector<Case> cases = {{"65 arrays, empty innermost", Arrays(kMaxJsonDepth + 1)},
                             {"65 arrays around a number", Arrays(kMaxJsonDepth + 1, "1")},
                             {"65 objects", Objects(kMaxJsonDepth + 1)},
                             {"100000 arrays", Arrays(100'000)}};
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    Result<Json> parsed = Parse(c.text);
    EXPECT_FALSE(parsed.ok()) << "accepted";
    if (parsed.ok()) continue;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("64"));
  }
}

// Same bug as above, with a small limit: a limit of 2 must refuse 3 levels.
TEST(ParseJsonTest, CallerChosenDepthLimit) {
  EXPECT_TRUE(Parse("[[1]]", 2).ok());
  EXPECT_TRUE(Parse("{\"a\":[]}", 2).ok());
  EXPECT_FALSE(Parse("[[[1]]]", 2).ok());
  EXPECT_FALSE(Parse("[[[]]]", 2).ok()) << "3 levels, empty innermost";
  EXPECT_FALSE(Parse("{\"a\":{\"b\":{}}}", 2).ok()) << "3 levels of objects";
  EXPECT_THAT(Parse("[[[1]]]", 2).status().message(), HasSubstr("2"));
}

TEST(ParseJsonTest, NeverThrowsOnArbitraryBytes) {
  std::mt19937 random(12345);
  const std::string alphabet = "{}[]:,\"\\0123456789.eE+-truefalsnul \n\t\xff\xc3\xa9u";
  for (int round = 0; round < 3'000; ++round) {
    std::string text(random() % 40, ' ');
    for (char& c : text) {
      c = round % 2 == 0 ? alphabet[random() % alphabet.size()] : static_cast<char>(random());
    }
    Result<Json> parsed = Parse(text);  // fails the test if it throws
    if (!parsed.ok()) {
      ASSERT_EQ(parsed.status().code(), StatusCode::kInvalidArgument) << text;
    }
  }
}

TEST(ParseStoredJsonTest, ReadsWhatDumpJsonWroteAtAnyDepth) {
  Json deep = "leaf";
  for (int i = 0; i < 500; ++i) deep = Json::array({deep});
  Json value = {{"deep", deep}, {"text", "日本語 😀"}, {"n", 18446744073709551615u}};
  Result<Json> back = ParseStoredJson(DumpJson(value));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, value);
}

TEST(ParseStoredJsonTest, DamagedTextIsInvalidArgumentNotAnException) {
  for (const char* text : {"", "not json", "{\"a\":", "[1,2", "1e400", "\"\xff\"", "{} {}"}) {
    SCOPED_TRACE(text);
    Result<Json> parsed = Json();
    EXPECT_NO_THROW(parsed = ParseStoredJson(text));
    EXPECT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST(DumpJsonTest, IsCompact) {
  EXPECT_EQ(DumpJson(Json{{"a", Json::array({1, 2})}, {"b", "x"}}), R"({"a":[1,2],"b":"x"})");
  EXPECT_EQ(DumpJson(Json()), "null");
}

TEST(DumpJsonTest, RoundTripsThroughParseJson) {
  Json value = {{"text", "日本語 😀 e\u0301"},
                {"nul", std::string("a\0b", 3)},
                {"controls", "\t\n\x01"},
                {"numbers", {0.1, -0.0, 1e300, 18446744073709551615u, -9223372036854775807LL}},
                {"nested", {{"deep", {{"er", Json::array()}}}}}};
  Result<Json> back = Parse(DumpJson(value));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, value);
}

TEST(DumpJsonTest, InvalidUtf8IsReplacedNotThrown) {
  Json value = {{"bad", std::string("ok\xff\xfe" "end")}, {std::string("k\xc3"), "v"}};
  std::string text;
  EXPECT_NO_THROW(text = DumpJson(value));
  EXPECT_THAT(text, HasSubstr("ok"));
  EXPECT_THAT(text, HasSubstr("end"));
  Result<Json> back = Parse(text);
  ASSERT_TRUE(back.ok()) << "DumpJson must produce valid JSON: " << back.status().ToString();
  EXPECT_THAT(back->at("bad").get<std::string>(), HasSubstr("\xef\xbf\xbd"));  // U+FFFD
}

}  // namespace
}  // namespace sagad
