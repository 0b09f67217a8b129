// What a StartSaga / StartTcc command asks for, checked against the
// catalog: shared by both process managers so they accept the same payload.
#pragma once

#include <memory>
#include <string>

#include "coordinator/definition_catalog.h"
#include "core/envelope.h"

namespace sagad::coordinator {

struct StartRequest {
  std::string instance_id;  // = the command's target id
  std::shared_ptr<const CatalogEntry> entry;
  Json input = Json::object();
  std::string key;  // the definition's key evaluated over the input ("" without a key)
};

// Reads {definition, version?, <id_field>?, input?} from a start command.
// The definition must exist (NotFound) and be of `kind` (InvalidArgument);
// without a version the catalog's latest is used.
// The definition's `key` evaluated over a start input ("" when it has no
// key). InvalidArgument when the input lacks what the key reads.
Result<std::string> EvaluateKey(const dsl::Definition& definition, const Json& input);

Result<StartRequest> ReadStartRequest(const Command& c, const DefinitionCatalog* catalog,
                                      dsl::DefinitionKind kind, const char* id_field);

}  // namespace sagad::coordinator
