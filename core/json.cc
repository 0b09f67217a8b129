#include "core/json.h"

#include <string>

namespace sagad {

Result<Json> ParseJson(std::string_view text, int max_depth) {
  bool too_deep = false;
  // nlohmann reports a container's start at its parent's depth.
  auto limit_depth = [&](int depth, Json::parse_event_t event, Json&) {
    bool opens = event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start;
    if ((opens ? depth + 1 : depth) > max_depth) too_deep = true;
    return !too_deep;
  };
  try {
    Json value = Json::parse(text.begin(), text.end(), limit_depth, /*allow_exceptions=*/true);
    if (too_deep) {
      return Status::InvalidArgument("JSON nested deeper than " + std::to_string(max_depth) + " levels");
    }
    return value;
  } catch (const Json::exception& e) {  // parse_error, and out_of_range for 1e400
    if (too_deep) {
      return Status::InvalidArgument("JSON nested deeper than " + std::to_string(max_depth) + " levels");
    }
    return Status::InvalidArgument(std::string("malformed JSON: ") + e.what());
  }
}

Result<Json> ParseStoredJson(std::string_view text) {
  Json value = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return Status::InvalidArgument("malformed JSON");
  return value;
}

std::string DumpJson(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace sagad
