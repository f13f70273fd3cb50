// bakeoff db site -o DIR: the static leaderboard site (report/site.h), every
// page written atomically, index.html last so its links never point at a
// page not yet there.
#include "cli/cmd_db.h"

#include "cli/options.h"
#include "core/host_info.h"
#include "core/terminal_text.h"
#include "report/site.h"
#include "results/atomic_write.h"
#include "specs/chip_db.h"

#include <bakeoff/build_info.h>
#include <fmt/format.h>

#include <filesystem>
#include <memory>

namespace bakeoff::cli {

namespace {

struct SiteArgs {
    std::string db, out, chips_file;
};

int write_site(const SiteArgs& a) {
    namespace fs = std::filesystem;
    registry::Registry reg(registry::registry_path(a.db), false);
    const specs::ChipDatabase chips = specs::ChipDatabase::load(a.chips_file);
    site::SiteInput in;
    in.runs = reg.runs();
    in.rows = reg.query({});
    in.stored = reg.load({});
    in.chips = &chips;
    in.generated_utc = utc_now();
    in.tool_version = std::string("bakeoff ") + BAKEOFF_VERSION + " (" + BAKEOFF_GIT_COMMIT + ")";
    const auto pages = site::render_site(in);
    std::error_code ec;
    if (fs::exists(a.out, ec) && !fs::is_directory(a.out, ec))
        throw UsageError(fmt::format("--out: '{}' exists and is not a folder", a.out));
    fs::create_directories(a.out, ec);
    if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", a.out, ec.message()));
    for (const auto& p : pages) write_text_atomic(fs::path(a.out) / p.file, p.html);
    fmt::print("wrote {} pages to {} (open {})\n", pages.size(), terminal_safe(a.out),
               terminal_safe((fs::path(a.out) / "index.html").string()));
    return 0;
}

}  // namespace

DbSubcommand add_db_site_command(CLI::App& db) {
    auto a = std::make_shared<SiteArgs>();
    auto* sub = db.add_subcommand("site", "Write the static leaderboard site (HTML, no script) into a folder");
    add_db_option(sub, a->db);
    add_out_option(sub, a->out, "The folder to write the pages into (created when missing)")->required();
    add_chips_option(sub, a->chips_file);
    return {sub, [a] { return write_site(*a); }};
}

}  // namespace bakeoff::cli
