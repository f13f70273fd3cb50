#include "cli/options.h"

#include <fmt/format.h>

#include <cstdio>
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
    return sub->add_option("-o,--out", out, help);
}

int usage_exit(const std::string& message) {
    fmt::print(stderr, "bakeoff: {}\n", message);
    return 2;
}

int run_guarded(const std::function<int()>& run) {
    try {
        return run();
    } catch (const UsageError& e) {
        return usage_exit(e.what());
    } catch (const std::exception& e) {
        fmt::print(stderr, "bakeoff: {}\n", e.what());
        return 1;
    }
}

}  // namespace bakeoff::cli
