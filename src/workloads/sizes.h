// Sizes as users write them: plain integers or with a binary suffix (K, M, G,
// T, optionally followed by "i" and/or "B": 64M, 64MiB, 1GB all mean powers of 1024).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bakeoff {

// A GEMM shape as users write it: "MxNxK", optionally followed by the layout
// "nn" (B stored k x n, the default) or "nt" (B stored n x k, as a linear
// layer's weight is): "128x8192x2048nt".
struct GemmShape {
    std::int64_t m = 0, n = 0, k = 0;
    bool trans_b = false;
    bool operator==(const GemmShape&) const = default;
};

// nullopt for anything that is not a positive size below 2^60.
std::optional<std::int64_t> parse_size(std::string_view text);
// nullopt unless every dimension is a plain positive integer up to 2^20.
std::optional<GemmShape> parse_gemm_shape(std::string_view text);
// "128x8192x2048nt" (the layout only when it is not the default).
std::string format_gemm_shape(const GemmShape& s);
// "64MiB", "1GiB", "4096B" — the largest binary unit that divides the value.
std::string format_bytes(std::uint64_t bytes);

}  // namespace bakeoff
