// `bakeoff db site`: the static leaderboard site, made from the registry.
// Self-contained pages (inline CSS and SVG, no script, a strict CSP, nothing
// fetched), so any static host can serve them or a browser open them from
// disk: index.html (a leaderboard per workload and dtype, the serving Pareto
// chart) and one page per device model (its standing, its runs and their
// provenance, its Pareto chart and a roofline per run). docs/registry.md.
#pragma once

#include "registry/registry.h"
#include "specs/chip_db.h"

#include <string>
#include <vector>

namespace bakeoff::site {

inline constexpr const char* kSiteCsp = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

struct SiteInput {
    std::vector<registry::RunInfo> runs;
    std::vector<registry::FlatRow> rows;     // every record of every run
    std::vector<registry::StoredRun> stored; // every run, whole (rooflines, provenance)
    const specs::ChipDatabase* chips = nullptr;  // claimed roofs; null = none
    std::string generated_utc, tool_version;
};

struct Page {
    std::string file;  // a plain name in the site's folder
    std::string html;
};

// Every page; index.html last.
std::vector<Page> render_site(const SiteInput& in);

// The page of a device model: "device-<letters and digits>-<8 hex>.html", the
// hex from SHA-256 of the model so that two models never share a page.
std::string device_page_name(const std::string& model);

// Internal to the site's files: the page frame, and one device model's page.
std::string page_frame(const std::string& title, const std::string& body, const SiteInput& in);
std::string device_page(const std::string& model, const SiteInput& in);
// The llm.serve records of `rows` (ok, with tokens/s per user) as a Pareto
// chart with its table (a series per device model, LLM and profile); "" when there are none.
std::string pareto_block(const std::vector<registry::FlatRow>& rows, const std::string& title);

}  // namespace bakeoff::site
