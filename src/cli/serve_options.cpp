#include "cli/selection_options.h"

#include <cmath>
#include <string>

namespace bakeoff::cli {

namespace {

// A positive finite number; the message names the flag (CLI11 prefixes it).
CLI::Validator positive(const char* what) {
    return CLI::Validator(
        [what](std::string& v) {
            try {
                std::size_t used = 0;
                const double x = std::stod(v, &used);
                if (used == v.size() && std::isfinite(x) && x > 0) return std::string();
            } catch (const std::exception&) {
            }
            return "'" + v + "' is not " + what;
        },
        "POSITIVE");
}

}  // namespace

void add_serve_options(CLI::App& cmd, ServeChoice& s) {
    const char* g = "Serving (llm.serve)";
    cmd.add_option("--profile", s.profile, "Request lengths: chat, summarize or reason (docs/serving.md)")
        ->check(CLI::IsMember({"chat", "summarize", "reason"}))
        ->group(g);
    cmd.add_option("--isl", s.isl, "Longest input length of a request, tokens (replaces the profile's)")
        ->check(positive("a positive whole number of tokens"))
        ->group(g);
    cmd.add_option("--osl", s.osl, "Longest output length of a request, tokens (replaces the profile's)")
        ->check(positive("a positive whole number of tokens"))
        ->group(g);
    cmd.add_option("--requests", s.requests, "Requests per run (default by suite)")
        ->check(positive("a positive number of requests"))
        ->group(g);
    cmd.add_option("--concurrency", s.concurrency, "Closed loop: requests in flight, one case each (e.g. 1,2,4,8)")
        ->delimiter(',')
        ->check(positive("a positive number of requests in flight"))
        ->group(g);
    cmd.add_option("--request-rate", s.rates, "Open loop: Poisson arrivals at this many requests/s, one case each")
        ->delimiter(',')
        ->check(positive("a positive rate in requests/s"))
        ->group(g);
    cmd.add_option("--slo-ttft", s.slo_ttft_ms, "Goodput bound on the time to first token, ms (default 2000)")
        ->check(positive("a positive time in ms"))
        ->group(g);
    cmd.add_option("--slo-tpot", s.slo_tpot_ms, "Goodput bound on the time per output token, ms (default 200)")
        ->check(positive("a positive time in ms"))
        ->group(g);
    cmd.add_option("--kv-blocks", s.kv_blocks,
                   "Blocks of 16 positions in the paged KV cache (default: enough for every request in flight)")
        ->check(positive("a positive number of blocks"))
        ->group(g);
}

}  // namespace bakeoff::cli
