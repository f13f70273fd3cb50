#include "cli/options.h"

#include "core/terminal_text.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>

namespace bakeoff::cli {

CLI::Option* add_format_option(CLI::App* sub, Format& format) {
    auto* opt = sub->add_option_function<std::string>(
        "--format",
        [&format](const std::string& s) {
            const auto f = parse_format(s);
            if (!f) throw UsageError(fmt::format("--format: unknown format '{}' ({})", s, format_choices()));
            format = *f;
        },
        "Output format: " + format_choices());
    opt->default_str(std::string(format_name(format)));
    return opt;
}

CLI::Option* add_chips_option(CLI::App* sub, std::string& file) {
    return sub->add_option("--chips", file,
                           "Chip database (CSV, format of data/chips.csv) replacing the built-in one");
}

CLI::Option* add_out_option(CLI::App* sub, std::string& out, const std::string& help) {
    return sub->add_option("-o,--out", out, help)->check(CLI::Validator(
        [](std::string& s) { return s.empty() ? std::string("an empty file name names no file") : std::string(); },
        "FILE"));
}

CLI::Validator finite_in(double lo, double hi) {
    return CLI::Validator(
        [lo, hi](std::string& s) -> std::string {
            // Digits, '.', an exponent: strtod alone would also take "nan", "inf" and hex.
            const bool plain = !s.empty() && s.find_first_not_of("0123456789.eE+-") == std::string::npos;
            char* end = nullptr;
            const double v = plain ? std::strtod(s.c_str(), &end) : 0;
            if (!plain || end != s.c_str() + s.size() || !std::isfinite(v) || v < lo || v > hi)
                return fmt::format("'{}' is not a number from {:g} to {:g}", s, lo, hi);
            return {};
        },
        fmt::format("NUMBER in [{:g}, {:g}]", lo, hi));
}

CLI::Validator unsigned_64() {
    return CLI::Validator(
        [](std::string& s) -> std::string {
            const bool digits = !s.empty() && s.size() <= 20 && s.find_first_not_of("0123456789") == std::string::npos;
            // 20 digits may still exceed 2^64 - 1 = 18446744073709551615: compare as text.
            if (!digits || (s.size() == 20 && s > "18446744073709551615"))
                return fmt::format("'{}' is not a whole number from 0 to 18446744073709551615", s);
            return {};
        },
        "UINT64");
}

int usage_exit(const std::string& message) {
    fmt::print(stderr, "bakeoff: {}\n", terminal_safe(message));
    return 2;
}

int run_guarded(const std::function<int()>& run) {
    try {
        return run();
    } catch (const UsageError& e) {
        return usage_exit(e.what());
    } catch (const std::exception& e) {
        fmt::print(stderr, "bakeoff: {}\n", terminal_safe(e.what()));
        return 1;
    }
}

}  // namespace bakeoff::cli
