#include "workloads/serve/load.h"

#include "numeric/rng.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace bakeoff::serve {

namespace {
const std::vector<Profile>& profiles() {
    static const std::vector<Profile> p{{"chat", 1024, 1024}, {"summarize", 8192, 1024}, {"reason", 1024, 8192}};
    return p;
}
}  // namespace

std::optional<Profile> find_profile(const std::string& name) {
    for (const auto& p : profiles())
        if (p.name == name) return p;
    return std::nullopt;
}

std::vector<std::string> profile_names() {
    std::vector<std::string> n;
    for (const auto& p : profiles()) n.push_back(p.name);
    return n;
}

std::vector<Request> make_requests(const LoadSpec& load, std::int64_t vocab, std::uint64_t seed) {
    if (load.requests < 1 || load.isl < 1 || load.osl < 1 || vocab < 1)
        throw std::invalid_argument("a serving load needs requests, input and output lengths and a vocabulary");
    if (load.open_loop && !(load.rate > 0)) throw std::invalid_argument("an open-loop load needs a positive rate");
    SplitMix64 rng(seed);
    auto length = [&](std::int64_t longest) {
        const std::int64_t lo = std::max<std::int64_t>(1, (3 * longest + 3) / 4);
        return lo + std::int64_t(rng.uniform() * double(longest - lo + 1));
    };
    std::vector<Request> out;
    double t = 0;
    for (std::int64_t i = 0; i < load.requests; ++i) {
        Request r;
        r.id = i;
        // Exponential gaps: a Poisson process at the rate.
        if (load.open_loop) t += -std::log(1.0 - rng.uniform()) / load.rate;
        r.arrival_s = load.open_loop ? t : 0.0;
        r.prompt.resize(std::size_t(length(load.isl)));
        for (auto& tok : r.prompt) tok = std::int32_t(rng.next() % std::uint64_t(vocab));
        r.output_len = length(load.osl);
        out.push_back(std::move(r));
    }
    return out;
}

}  // namespace bakeoff::serve
