// How a failure inside the registry becomes one line naming the database:
// SQLite's "file is not a database" or "malformed" as an unusable file, a
// schema problem as itself, anything else as what was being done and why.
#pragma once

#include "registry/registry.h"
#include "registry/schema.h"
#include "registry/sqlite.h"

#include <fmt/format.h>

#include <filesystem>

namespace bakeoff::registry {

template <typename F>
auto guarded(const std::filesystem::path& file, const char* doing, F&& f) {
    try {
        return f();
    } catch (const SqliteError& e) {
        const int primary = e.code() & 0xff;
        if (primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT)
            throw RegistryError(fmt::format("{}: not a usable SQLite database ({})", file.string(), e.what()));
        throw RegistryError(fmt::format("{}: {}: {}", file.string(), doing, e.what()));
    } catch (const SchemaError& e) {
        throw RegistryError(fmt::format("{}: {}", file.string(), e.what()));
    }
}

}  // namespace bakeoff::registry
