// The load of a serving run (docs/serving.md): requests with input and output
// lengths from a named profile or given, arriving either in a closed loop (a
// fixed number in flight, a finished request replaced at once: InferenceX's
// concurrency sweep) or open loop (Poisson arrivals at a rate: MLPerf's
// Server scenario). Everything comes from the seed.
//
// Profiles are the reference scenarios' shapes scaled by 1/scale so a suite
// can run them here: chat 1024/1024, summarize 8192/1024, reason 1024/8192
// tokens in/out (InferenceX's 1k/1k, 8k/1k, 1k/8k). Each request's lengths
// are drawn uniformly from [3/4, 1] of the profile's (as InferenceX's random
// range ratio), at least one token each.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bakeoff::serve {

struct Profile {
    std::string name;
    std::int64_t isl = 0, osl = 0;  // the reference lengths, before scaling
};
// chat, summarize, reason; nullopt for another name.
std::optional<Profile> find_profile(const std::string& name);
std::vector<std::string> profile_names();

struct LoadSpec {
    std::string profile = "chat";  // or "custom" with isl/osl given
    std::int64_t isl = 0, osl = 0;  // the longest lengths after scaling
    std::int64_t requests = 16;     // per run
    bool open_loop = false;
    std::int64_t concurrency = 1;   // closed loop
    double rate = 0;                // open loop, requests/s
};

struct Request {
    std::int64_t id = 0;
    double arrival_s = 0;  // open loop: offset from the run's start; closed loop: unused
    std::vector<std::int32_t> prompt;
    std::int64_t output_len = 0;
};

// The requests of one run, the same for every run of a case.
std::vector<Request> make_requests(const LoadSpec& load, std::int64_t vocab, std::uint64_t seed);

}  // namespace bakeoff::serve
