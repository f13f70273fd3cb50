// One table of (value, name) pairs per enum, read both ways: the name of a
// value for output, the value of a name for parsing. The table is the one
// place an enum's spellings are written.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace bakeoff {

template <class E>
struct NameEntry {
    E value;
    std::string_view name;
};

// The name of v in the table, or `fallback` when it has none.
template <class E, std::size_t N>
constexpr std::string_view name_of(const NameEntry<E> (&table)[N], E v, std::string_view fallback = "unknown") {
    for (const auto& e : table)
        if (e.value == v) return e.name;
    return fallback;
}

// The value named `name` (exact spelling), or nullopt.
template <class E, std::size_t N>
constexpr std::optional<E> value_named(const NameEntry<E> (&table)[N], std::string_view name) {
    for (const auto& e : table)
        if (e.name == name) return e.value;
    return std::nullopt;
}

}  // namespace bakeoff
