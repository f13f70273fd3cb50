// Sizes as users write them: plain integers or with a binary suffix (K, M, G,
// T, optionally followed by "i" and/or "B": 64M, 64MiB, 1GB all mean powers of 1024).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bakeoff {

// nullopt for anything that is not a positive size below 2^60.
std::optional<std::int64_t> parse_size(std::string_view text);
// "64MiB", "1GiB", "4096B" — the largest binary unit that divides the value.
std::string format_bytes(std::uint64_t bytes);

}  // namespace bakeoff
