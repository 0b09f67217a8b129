#include "saga-dsl/parser.h"

#include <algorithm>
#include <climits>
#include <functional>
#include <optional>
#include <set>

#include "saga-dsl/expression_parser.h"
#include "saga-dsl/token_cursor.h"

namespace sagad::dsl {
namespace {

using Keywords = std::vector<std::string_view>;

const Keywords kTopKeywords = {"saga", "tcc"};
const Keywords kDefinitionKeywords = {"version", "start", "key", "input", "timeout", "step", "branch", "on"};
const Keywords kStepKeywords = {"send", "success", "failure", "capture", "compensate", "timeout", "retry", "resolve"};
const Keywords kBranchKeywords = {"try", "confirm", "cancel"};
// What may follow a step or branch that is missing its '}'.
const Keywords kEnclosingKeywords = {"saga",  "tcc",  "version", "start", "key",
                                         "input", "timeout", "step", "branch", "on"};

bool Contains(const Keywords& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

bool IsKeywordOf(const Token& token, const Keywords& words) {
  return token.Is(TokenKind::kIdentifier) && Contains(words, token.text);
}

// Clauses start lines, so a keyword first on its line is where recovery
// resumes after a syntax error.
bool IsClauseStart(const Token& token) {
  return token.first_on_line && (IsKeywordOf(token, kTopKeywords) || IsKeywordOf(token, kDefinitionKeywords) ||
                                 IsKeywordOf(token, kStepKeywords) || IsKeywordOf(token, kBranchKeywords));
}

bool IsDefinitionStart(const Token& token) { return token.first_on_line && IsKeywordOf(token, kTopKeywords); }

// "'a', 'b' or 'c'"
std::string ListWords(const Keywords& words) {
  std::string out;
  std::size_t i = 0;
  for (std::string_view word : words) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += SingleQuoted(word);
    ++i;
  }
  return out;
}

class Parser {
 public:
  Parser(std::string_view source, std::string file)
      : file_(std::move(file)), sink_(file_), cursor_(source, &sink_) {}

  ParseResult Run();

 private:
  void ParseDefinition();
  void SkipToNextDefinition();
  bool ParseBlock(const std::string& what, const Keywords& own, const Keywords& outer, const std::function<bool()>& clause,
                  SourceLocation* end);
  bool ParseDefinitionClause(Definition& definition);
  bool ParseInput(Definition& definition);
  bool ParseFinalCommand(Definition& definition);
  bool ParseStep(Definition& definition);
  // `resolve_backoff_written`: set when `resolve retry` gives its own backoff
  // (otherwise it takes the step's, known only once the block is read).
  bool ParseStepClause(Step& step, bool* resolve_backoff_written);
  bool ParseRetryPolicy(std::string_view keyword, RetryPolicy* policy, bool* backoff_written = nullptr);
  bool ParseBranch(Definition& definition);
  bool ParseBranchClause(TccBranch& branch);

  bool ParseQualifiedName(std::string_view what, QualifiedName* out);
  bool ParseNameList(std::string_view what, std::vector<std::string>* names, std::vector<SourceLocation>* locations);
  bool ParseEventList(std::string_view what, std::vector<QualifiedName>* events);
  bool ParseCommand(std::string_view keyword, CommandSpec* command);
  bool ParseDuration(std::string_view keyword, std::int64_t* ms);
  bool ParseInteger(std::string_view what, std::int64_t* value);
  // Reports a clause written twice; `first` is where it was written first
  // (line 0: not yet written, so not a duplicate).
  bool RejectDuplicate(const Token& keyword, SourceLocation first);

  std::string file_;
  DiagnosticSink sink_;
  TokenCursor cursor_;
  std::vector<Definition> definitions_;
};

ParseResult Parser::Run() {
  while (!cursor_.At(TokenKind::kEnd) && !sink_.full()) {
    if (IsKeywordOf(cursor_.current(), kTopKeywords)) {
      ParseDefinition();
      continue;
    }
    cursor_.ErrorExpected("'saga' or 'tcc' to start a definition");
    cursor_.Take();
    SkipToNextDefinition();
  }
  if (definitions_.empty() && sink_.error_count() == 0) {
    sink_.Error({1, 1}, "no definition in this file (expected 'saga NAME { ... }' or 'tcc NAME { ... }')");
  }
  ParseResult result;
  result.definitions = std::move(definitions_);
  result.diagnostics = sink_.Take();
  SortByLocation(result.diagnostics);
  result.comments = cursor_.TakeComments();
  return result;
}

void Parser::SkipToNextDefinition() {
  while (!cursor_.At(TokenKind::kEnd) && !IsDefinitionStart(cursor_.current())) cursor_.Take();
  cursor_.ResetDepth(0);
}

void Parser::ParseDefinition() {
  int errors_before = sink_.error_count();
  cursor_.ResetDepth(0);  // a previous definition may have been left unclosed
  Token keyword = cursor_.Take();
  Definition definition;
  definition.kind = keyword.text == "saga" ? DefinitionKind::kSaga : DefinitionKind::kTcc;
  definition.file = file_;
  definition.location = keyword.location;
  if (!cursor_.ExpectIdentifier("a name after '" + keyword.text + "'", &definition.name)) {
    SkipToNextDefinition();
    return;
  }
  std::string what = keyword.text + " '" + definition.name + "'";
  bool closed = ParseBlock(
      what, kDefinitionKeywords, kTopKeywords, [&] { return ParseDefinitionClause(definition); },
      &definition.end_location);
  if (!closed && !cursor_.At(TokenKind::kEnd) && !IsDefinitionStart(cursor_.current())) {
    SkipToNextDefinition();
  }
  // Once the sink is full it counts nothing more, so a full sink means the
  // definition may have errors that were not recorded.
  if (sink_.error_count() == errors_before && !sink_.full()) definitions_.push_back(std::move(definition));
}

bool Parser::ParseBlock(const std::string& what, const Keywords& own, const Keywords& outer, const std::function<bool()>& clause,
                        SourceLocation* end) {
  Token open;
  if (!cursor_.Expect(TokenKind::kLeftBrace, "'{' after " + what, &open)) return false;
  int block_depth = cursor_.depth();
  while (!sink_.full()) {
    const Token& token = cursor_.current();
    if (token.Is(TokenKind::kRightBrace)) {
      *end = cursor_.Take().location;
      return true;
    }
    bool outer_clause = token.first_on_line && IsKeywordOf(token, outer) && !IsKeywordOf(token, own);
    if (token.Is(TokenKind::kEnd) || outer_clause) {
      cursor_.ErrorExpected("'}' to close " + what + " (opened at line " + std::to_string(open.location.line) + ")");
      return false;
    }
    std::size_t before = cursor_.taken();
    bool ok = false;
    if (IsKeywordOf(token, own)) {
      ok = clause();
    } else {
      cursor_.ErrorExpected(ListWords(own) + " or '}'");
    }
    if (!ok) {
      if (cursor_.taken() == before) cursor_.Take();
      cursor_.Recover(IsClauseStart, block_depth);
    }
  }
  return false;
}

bool Parser::RejectDuplicate(const Token& keyword, SourceLocation first) {
  if (first.line == 0) return false;
  sink_.Error(keyword.location,
              "duplicate '" + keyword.text + "' clause (first at line " + std::to_string(first.line) + ")",
              keyword.length);
  return true;
}

bool Parser::ParseDefinitionClause(Definition& definition) {
  const Token& current = cursor_.current();
  bool saga = definition.kind == DefinitionKind::kSaga;
  if (current.text == "step") {
    if (!saga) {
      cursor_.ErrorHere("a tcc has branches, not steps");
      return false;
    }
    return ParseStep(definition);
  }
  if (current.text == "branch") {
    if (saga) {
      cursor_.ErrorHere("a saga has steps, not branches (branches belong to 'tcc')");
      return false;
    }
    return ParseBranch(definition);
  }
  if (current.text == "input") return ParseInput(definition);
  if (current.text == "on") return ParseFinalCommand(definition);

  Token keyword = cursor_.Take();
  if (keyword.text == "version") {
    if (RejectDuplicate(keyword, definition.version_location)) return false;
    definition.version_location = keyword.location;
    std::int64_t version = 0;
    if (!ParseInteger("a version number after 'version'", &version)) return false;
    definition.version = static_cast<int>(std::clamp<std::int64_t>(version, INT_MIN, INT_MAX));
    return true;
  }
  if (keyword.text == "start") {
    if (RejectDuplicate(keyword, definition.start_location)) return false;
    definition.start_location = keyword.location;
    if (!cursor_.ExpectWord("on", "after 'start'")) return false;
    if (cursor_.AtWord("api")) {
      Token api = cursor_.Take();
      if (!cursor_.At(TokenKind::kDot)) return true;  // `api` alone; `api.X` is an event of participant api
      QualifiedName event{"api", "", api.location};
      cursor_.Take();
      if (!cursor_.ExpectIdentifier("an event type after 'api.'", &event.name)) return false;
      definition.start_event = std::move(event);
      return true;
    }
    QualifiedName event;
    if (!ParseQualifiedName("'api' or an event type (participant.Event) after 'start on'", &event)) return false;
    definition.start_event = std::move(event);
    return true;
  }
  if (keyword.text == "key") {
    if (definition.key && RejectDuplicate(keyword, definition.key->location)) return false;
    std::optional<Expr> key = ParseExpression(cursor_);
    if (!key) return false;
    definition.key = std::move(*key);
    return true;
  }
  // timeout
  if (saga) {
    sink_.Error(keyword.location, "a saga has no overall 'timeout'; put 'timeout' inside a step", keyword.length);
    return false;
  }
  if (RejectDuplicate(keyword, definition.timeout_location)) return false;
  definition.timeout_location = keyword.location;
  return ParseDuration("timeout", &definition.tcc_timeout_ms);
}

bool Parser::ParseInput(Definition& definition) {
  Token keyword = cursor_.Take();
  if (RejectDuplicate(keyword, definition.input_location)) return false;
  definition.input_location = keyword.location;
  if (!cursor_.Expect(TokenKind::kLeftBrace, "'{' after 'input'")) return false;
  std::vector<InputField> fields;
  std::set<std::string> names;
  while (!cursor_.At(TokenKind::kRightBrace)) {
    InputField field;
    if (!cursor_.ExpectIdentifier("an input field name or '}'", &field.name, &field.location)) return false;
    if (!cursor_.Expect(TokenKind::kColon, "':' after input field '" + field.name + "'")) return false;
    std::optional<FieldType> type = FieldTypeFromName(cursor_.current().text);
    if (!cursor_.At(TokenKind::kIdentifier) || !type) {
      cursor_.ErrorExpected("a type (string, int, number, bool, object, array or any)");
      return false;
    }
    cursor_.Take();
    field.type = *type;
    if (!names.insert(field.name).second) {
      sink_.Error(field.location, "input field '" + field.name + "' is declared twice",
                  static_cast<int>(field.name.size()));
      return false;
    }
    fields.push_back(std::move(field));
    if (!cursor_.At(TokenKind::kComma)) break;
    cursor_.Take();
  }
  if (!cursor_.Expect(TokenKind::kRightBrace, "',' or '}' in input")) return false;
  definition.input = std::move(fields);
  return true;
}

bool Parser::ParseFinalCommand(Definition& definition) {
  cursor_.Take();  // on
  Token when = cursor_.current();
  if (!when.IsWord("completed") && !when.IsWord("compensated")) {
    cursor_.ErrorExpected("'completed' or 'compensated' after 'on'");
    return false;
  }
  cursor_.Take();
  std::optional<CommandSpec>& slot = when.text == "completed" ? definition.on_completed : definition.on_compensated;
  if (slot) {
    sink_.Error(when.location,
                "duplicate 'on " + when.text + "' clause (first at line " + std::to_string(slot->location.line) + ")",
                when.length);
    return false;
  }
  if (!cursor_.ExpectWord("send", "after 'on " + when.text + "'")) return false;
  CommandSpec command;
  if (!ParseCommand("on " + when.text + " send", &command)) return false;
  slot = std::move(command);
  return true;
}

bool Parser::ParseStep(Definition& definition) {
  cursor_.Take();  // step
  Step step;
  if (!cursor_.ExpectIdentifier("a step name after 'step'", &step.name, &step.location)) return false;
  if (cursor_.AtWord("after")) {
    cursor_.Take();
    step.after_is_explicit = true;
    if (!ParseNameList("a step name after 'after'", &step.after, &step.after_locations)) return false;
  } else if (!definition.steps.empty()) {
    step.after = {definition.steps.back().name};  // declaration order is the default
  }
  bool resolve_backoff_written = false;
  bool closed = ParseBlock(
      "step '" + step.name + "'", kStepKeywords, kEnclosingKeywords,
      [&] { return ParseStepClause(step, &resolve_backoff_written); }, &step.end_location);
  step.compensation_retry.backoff_min_ms = step.retry.backoff_min_ms;
  step.compensation_retry.backoff_max_ms = step.retry.backoff_max_ms;
  if (!resolve_backoff_written) {
    step.resolve_retry.backoff_min_ms = step.retry.backoff_min_ms;
    step.resolve_retry.backoff_max_ms = step.retry.backoff_max_ms;
  }
  definition.steps.push_back(std::move(step));
  return closed;
}

bool Parser::ParseStepClause(Step& step, bool* resolve_backoff_written) {
  Token keyword = cursor_.Take();
  const std::string& word = keyword.text;
  if (word == "send") {
    if (RejectDuplicate(keyword, step.has_send ? step.send.location : SourceLocation{})) return false;
    step.has_send = ParseCommand("send", &step.send);
    return step.has_send;
  }
  if (word == "success" || word == "failure") {
    std::vector<QualifiedName>& events = word == "success" ? step.success : step.failure;
    if (RejectDuplicate(keyword, events.empty() ? SourceLocation{} : events.front().location)) return false;
    return ParseEventList("an event type (participant.Event) after '" + word + "'", &events);
  }
  if (word == "capture") {
    if (RejectDuplicate(keyword, step.capture_location)) return false;
    step.capture_location = keyword.location;
    std::vector<SourceLocation> locations;
    return ParseNameList("a field name after 'capture'", &step.capture, &locations);
  }
  if (word == "compensate") {
    if (RejectDuplicate(keyword, step.compensate ? step.compensate->location : SourceLocation{})) return false;
    CommandSpec command;
    if (!ParseCommand("compensate", &command)) return false;
    step.compensate = std::move(command);
    return true;
  }
  if (word == "timeout") {
    if (RejectDuplicate(keyword, step.timeout_location)) return false;
    step.timeout_location = keyword.location;
    return ParseDuration("timeout", &step.timeout_ms);
  }
  if (word == "resolve") {  // resolve retry N [backoff MIN..MAX]
    if (RejectDuplicate(keyword, step.resolve_location)) return false;
    step.resolve_location = keyword.location;
    if (!cursor_.ExpectWord("retry", "after 'resolve'")) return false;
    return ParseRetryPolicy("resolve retry", &step.resolve_retry, resolve_backoff_written);
  }
  // retry N [backoff MIN..MAX]
  if (RejectDuplicate(keyword, step.retry_location)) return false;
  step.retry_location = keyword.location;
  return ParseRetryPolicy("retry", &step.retry);
}

// `N [backoff MIN..MAX]`, after `keyword`. Leaves the backoff alone when none
// is written, and sets *backoff_written (when given) when one is.
bool Parser::ParseRetryPolicy(std::string_view keyword, RetryPolicy* policy, bool* backoff_written) {
  std::int64_t retries = 0;
  if (!ParseInteger("a retry count after '" + std::string(keyword) + "'", &retries)) return false;
  // Clamped only to keep arithmetic safe; the checker reports the range.
  policy->max_attempts = static_cast<int>(std::clamp<std::int64_t>(retries, -1'000'000, 1'000'000)) + 1;
  if (!cursor_.AtWord("backoff")) return true;
  cursor_.Take();
  if (backoff_written) *backoff_written = true;
  if (!ParseDuration("backoff", &policy->backoff_min_ms)) return false;
  if (!cursor_.Expect(TokenKind::kDotDot, "'..' between the minimum and maximum backoff")) return false;
  return ParseDuration("backoff", &policy->backoff_max_ms);
}

bool Parser::ParseBranch(Definition& definition) {
  cursor_.Take();  // branch
  TccBranch branch;
  if (!cursor_.ExpectIdentifier("a branch name after 'branch'", &branch.name, &branch.location)) return false;
  bool closed = ParseBlock(
      "branch '" + branch.name + "'", kBranchKeywords, kEnclosingKeywords, [&] { return ParseBranchClause(branch); },
      &branch.end_location);
  definition.branches.push_back(std::move(branch));
  return closed;
}

bool Parser::ParseBranchClause(TccBranch& branch) {
  Token keyword = cursor_.Take();
  CommandSpec* command = &branch.try_command;
  bool* present = &branch.has_try;
  if (keyword.text == "confirm") {
    command = &branch.confirm;
    present = &branch.has_confirm;
  } else if (keyword.text == "cancel") {
    command = &branch.cancel;
    present = &branch.has_cancel;
  }
  if (RejectDuplicate(keyword, *present ? command->location : SourceLocation{})) return false;
  *present = ParseCommand(keyword.text, command);
  return *present;
}

bool Parser::ParseQualifiedName(std::string_view what, QualifiedName* out) {
  // A keyword starting the next line is the next clause, not a participant.
  if (!cursor_.At(TokenKind::kIdentifier) || IsClauseStart(cursor_.current())) {
    cursor_.ErrorExpected(what);
    return false;
  }
  Token participant = cursor_.Take();
  out->participant = participant.text;
  out->location = participant.location;
  if (!cursor_.Expect(TokenKind::kDot, "'.' after participant '" + participant.text + "' (write participant.Type)")) {
    return false;
  }
  return cursor_.ExpectIdentifier("a type name after '" + participant.text + ".'", &out->name);
}

bool Parser::ParseNameList(std::string_view what, std::vector<std::string>* names,
                           std::vector<SourceLocation>* locations) {
  do {
    if (!names->empty()) cursor_.Take();  // ,
    std::string name;
    SourceLocation location;
    if (!cursor_.ExpectIdentifier(what, &name, &location)) return false;
    names->push_back(std::move(name));
    locations->push_back(location);
  } while (cursor_.At(TokenKind::kComma));
  return true;
}

bool Parser::ParseEventList(std::string_view what, std::vector<QualifiedName>* events) {
  do {
    if (!events->empty()) cursor_.Take();  // ,
    QualifiedName event;
    if (!ParseQualifiedName(what, &event)) return false;
    events->push_back(std::move(event));
  } while (cursor_.At(TokenKind::kComma));
  return true;
}

bool Parser::ParseCommand(std::string_view keyword, CommandSpec* command) {
  std::string context = "after '" + std::string(keyword) + "'";
  if (!ParseQualifiedName("a command type (participant.Command) " + context, &command->command)) return false;
  command->location = command->command.location;
  if (!cursor_.ExpectWord("to", "and the target aggregate id after the command type")) return false;
  std::optional<Expr> target = ParseExpression(cursor_);
  if (!target) return false;
  command->target = std::move(*target);
  command->payload = Expr::EmptyObject();
  command->payload.location = command->target.location;
  if (!cursor_.At(TokenKind::kLeftBrace)) return true;  // no payload: { }
  std::optional<Expr> payload = ParseExpression(cursor_);
  if (!payload) return false;
  command->payload = std::move(*payload);
  return true;
}

bool Parser::ParseDuration(std::string_view keyword, std::int64_t* ms) {
  Token token;
  if (!cursor_.Expect(TokenKind::kDuration, "a duration such as 500ms, 5s, 2m or 1h after '" + std::string(keyword) + "'",
                      &token)) {
    return false;
  }
  *ms = token.duration_ms;
  return true;
}

bool Parser::ParseInteger(std::string_view what, std::int64_t* value) {
  const Token& token = cursor_.current();
  if (!token.Is(TokenKind::kNumber) || !token.number.is_number_integer()) {
    cursor_.ErrorExpected(what);
    return false;
  }
  *value = token.number.get<std::int64_t>();
  cursor_.Take();
  return true;
}

}  // namespace

ParseResult Parse(std::string_view source, std::string file_name) {
  return Parser(source, std::move(file_name)).Run();
}

}  // namespace sagad::dsl
