// Aligned columns for sagactl's human-readable output:
//
//   ID              STATUS     STARTED
//   PlaceOrder:o-1  COMPLETED  2026-01-02 10:11:12
//
// Columns are separated by two spaces; the last is not padded, so long
// values (errors, payloads) end the line instead of widening the table.
#pragma once

#include <string>
#include <vector>

namespace sagactl {

class TextTable {
 public:
  explicit TextTable(std::vector<std::string> header);
  // Missing cells are empty; extra cells are dropped.
  void Add(std::vector<std::string> row);
  std::string Render() const;

 private:
  std::vector<std::vector<std::string>> rows_;  // the header first
};

}  // namespace sagactl
