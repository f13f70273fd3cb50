// The registry's schema and its migrations (docs/registry.md, "Schema").
// Version n's tables are made by applying migrations 1..n in order, each in
// the same transaction as the schema_version it records.
#pragma once

#include "registry/sqlite.h"

#include <stdexcept>

namespace bakeoff::registry {

// What is wrong with a database as a registry, without the file's name
// (Registry adds it).
class SchemaError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Inside a write transaction: creates the schema in an empty database or
// migrates an older one to kSchemaVersion. Throws SchemaError for a database that is not a registry or is from a newer bakeoff.
void create_or_migrate(Connection& c);

// The schema_version recorded in the database.
int stored_schema_version(Connection& c);

}  // namespace bakeoff::registry
