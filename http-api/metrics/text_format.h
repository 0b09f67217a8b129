// Pieces of the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/).
#pragma once

#include <string>
#include <string_view>

namespace sagad::metrics {

inline constexpr std::string_view kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

// Label values escape backslash, double quote and line feed.
std::string EscapeLabelValue(std::string_view value);
// HELP text escapes backslash and line feed only.
std::string EscapeHelp(std::string_view help);
// Shortest text that parses back to the same double; "+Inf", "-Inf", "NaN".
std::string FormatValue(double value);

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool IsValidMetricName(std::string_view name);
// [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved for Prometheus).
bool IsValidLabelName(std::string_view name);

}  // namespace sagad::metrics
