// Ids of saga/tcc instances. They appear in URLs, command ids and logs, so
// they are readable when they can be and URL-safe always:
//   "<definition>:<key>"       the key is short and URL-safe ("PlaceOrder:o-17")
//   "<definition>:#<hex>"      any other key, by a stable 128-bit hash of it
//   "<definition>:~<hex>"      no key: a fresh random id per start
// Definition names are identifiers, so the ':' cannot be part of one and two
// definitions never share an id.
#pragma once

#include <string>
#include <string_view>

namespace sagad::coordinator {

// Same definition and key -> same id, in every process, forever.
std::string InstanceIdForKey(std::string_view definition, std::string_view key);
// A new id that no other start produced.
std::string NewInstanceId(std::string_view definition);

}  // namespace sagad::coordinator
