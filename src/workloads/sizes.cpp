#include "workloads/sizes.h"

#include <fmt/format.h>

#include <cctype>

namespace bakeoff {

std::optional<std::int64_t> parse_size(std::string_view text) {
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return std::nullopt;
    std::size_t i = 0;
    std::int64_t value = 0;
    constexpr std::int64_t kMax = std::int64_t{1} << 60;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
        // Checked before the step: value * 10 could overflow 64 bits, not only pass kMax.
        const int digit = text[i] - '0';
        if (value > (kMax - 1 - digit) / 10) return std::nullopt;
        value = value * 10 + digit;
        ++i;
    }
    std::string_view suffix = text.substr(i);
    int shift = 0;
    if (!suffix.empty()) {
        switch (std::toupper(static_cast<unsigned char>(suffix[0]))) {
            case 'K': shift = 10; break;
            case 'M': shift = 20; break;
            case 'G': shift = 30; break;
            case 'T': shift = 40; break;
            case 'B': shift = 0; break;
            default: return std::nullopt;
        }
        std::string_view rest = suffix.substr(1);
        if (shift == 0 && !rest.empty()) return std::nullopt;
        if (rest == "i" || rest == "iB" || rest == "B" || rest.empty()) {
        } else {
            return std::nullopt;
        }
    }
    if (value == 0 || (shift && value >= (kMax >> shift))) return std::nullopt;
    return value << shift;
}

std::optional<GemmShape> parse_gemm_shape(std::string_view text) {
    GemmShape out;
    if (text.size() > 2 && (text.substr(text.size() - 2) == "nt" || text.substr(text.size() - 2) == "nn")) {
        out.trans_b = text.substr(text.size() - 2) == "nt";
        text.remove_suffix(2);
    }
    // Each dimension up to 2^20: larger ones make matrices no device holds,
    // and the products of two stay far from overflowing 64 bits.
    constexpr std::int64_t kMaxDim = std::int64_t{1} << 20;
    std::int64_t* dims[3] = {&out.m, &out.n, &out.k};
    for (int d = 0; d < 3; ++d) {
        const std::size_t x = text.find('x');
        const std::string_view part = d < 2 ? text.substr(0, x) : text;
        if ((d < 2 && x == std::string_view::npos) || part.empty() || part.size() > 7) return std::nullopt;
        std::int64_t v = 0;
        for (char ch : part) {
            if (!std::isdigit(static_cast<unsigned char>(ch))) return std::nullopt;
            v = v * 10 + (ch - '0');
        }
        if (v <= 0 || v > kMaxDim) return std::nullopt;
        *dims[d] = v;
        if (d < 2) text.remove_prefix(x + 1);
    }
    return out;
}

std::string format_gemm_shape(const GemmShape& s) {
    return fmt::format("{}x{}x{}{}", s.m, s.n, s.k, s.trans_b ? "nt" : "");
}

std::string format_bytes(std::uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    int u = 0;
    while (u < 4 && bytes >= 1024 && bytes % 1024 == 0) {
        bytes /= 1024;
        ++u;
    }
    return fmt::format("{}{}", bytes, units[u]);
}

}  // namespace bakeoff
