#include "numeric/rng.h"

#include <algorithm>
#include <cstring>

namespace bakeoff {

namespace {
constexpr std::size_t kChunk = 1 << 16;

template <typename T, typename Draw>
void fill_chunked(T* out, std::size_t n, std::uint64_t seed, Draw draw) {
    const std::size_t chunks = (n + kChunk - 1) / kChunk;
#pragma omp parallel for schedule(static)
    for (std::size_t c = 0; c < chunks; ++c) {
        SplitMix64 g(seed ^ (0xA0761D6478BD642Full * (c + 1)));
        const std::size_t end = std::min(n, (c + 1) * kChunk);
        for (std::size_t i = c * kChunk; i < end; ++i) out[i] = draw(g);
    }
}
}  // namespace

std::uint64_t derive_seed(std::uint64_t run_seed, std::string_view case_id) {
    // FNV-1a over the id, then mixed with the run seed.
    std::uint64_t h = 0xcbf29ce484222325ull;
    for (unsigned char ch : case_id) {
        h ^= ch;
        h *= 0x100000001b3ull;
    }
    SplitMix64 g(run_seed ^ h);
    return g.next();
}

void fill_uniform(double* out, std::size_t n, std::uint64_t seed, double lo, double hi) {
    fill_chunked(out, n, seed, [=](SplitMix64& g) { return lo + (hi - lo) * g.uniform(); });
}

void fill_uniform(float* out, std::size_t n, std::uint64_t seed, float lo, float hi) {
    fill_chunked(out, n, seed, [=](SplitMix64& g) { return float(lo + (hi - lo) * g.uniform()); });
}

void fill_uniform_int8(std::int8_t* out, std::size_t n, std::uint64_t seed, int lo, int hi) {
    const std::uint64_t span = std::uint64_t(hi - lo + 1);
    fill_chunked(out, n, seed, [=](SplitMix64& g) { return std::int8_t(lo + int(g.next() % span)); });
}

}  // namespace bakeoff
