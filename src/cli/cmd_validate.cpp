// bakeoff validate FILE...: structure, schema version, and every figure
// recomputed from the raw samples, and the file's digest (results/digest.h).
#include "cli/commands.h"
#include "core/terminal_text.h"
#include "results/validate.h"

#include <fmt/format.h>

#include <memory>

namespace bakeoff::cli {

Subcommand add_validate_command(CLI::App& parent) {
    auto files = std::make_shared<std::vector<std::string>>();
    auto* sub = parent.add_subcommand("validate", "Check results files: schema, and figures recomputed from raw samples");
    sub->add_option("files", *files, "Results files (JSON)")->required();
    return {sub, [files]() {
                int rc = 0;
                for (const auto& f : *files) {
                    try {
                        ResultsFile r = read_results(f);
                        auto problems = check_consistency(r);
                        if (problems.empty()) {
                            const std::string digest =
                                r.digest.state == DigestCheck::State::matches
                                    ? "digest " + r.digest.file.substr(0, 16) + " matches"
                                    : "no digest (written before results files carried one)";
                            fmt::print("{}: ok ({} records, schema v{}, {})\n", terminal_safe(f), r.records.size(),
                                       kResultsSchemaVersion, digest);
                        } else {
                            for (const auto& p : problems) fmt::print(stderr, "{}\n", terminal_safe(f + ": inconsistent: " + p));
                            rc = 1;
                        }
                    } catch (const InputError& e) {
                        fmt::print(stderr, "bakeoff: {}\n", terminal_safe(e.what()));
                        rc = 1;
                    }
                }
                return rc;
            }};
}

}  // namespace bakeoff::cli
