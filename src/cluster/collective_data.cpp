#include "cluster/collective_data.h"

#include <fmt/format.h>


namespace bakeoff::cluster {

namespace {
std::uint64_t mix(std::uint64_t x) {  // splitmix64's finaliser
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
}  // namespace

float input_value(std::uint64_t seed, int rank, std::uint64_t index) {
    const std::uint64_t h = mix(mix(seed ^ (std::uint64_t(rank) * 0xd1b54a32d192ed03ull)) ^ index);
    return float(std::int64_t(h % 201) - 100);
}

void fill_send(std::uint64_t seed, int rank, const CollectiveBuffers& b, float* send) {
#pragma omp parallel for schedule(static)
    for (std::int64_t i = 0; i < std::int64_t(b.send_elems); ++i) send[i] = input_value(seed, rank, std::uint64_t(i));
}

float expected_value(CollectiveKind k, std::uint64_t seed, int rank, int n, const CollectiveBuffers& b,
                     std::uint64_t j) {
    const std::uint64_t c = b.count;
    switch (k) {
        case CollectiveKind::allreduce: {
            float s = 0;
            for (int r = 0; r < n; ++r) s += input_value(seed, r, j);
            return s;
        }
        case CollectiveKind::allgather: return input_value(seed, int(j / c), j % c);
        case CollectiveKind::reduce_scatter: {
            float s = 0;
            for (int r = 0; r < n; ++r) s += input_value(seed, r, std::uint64_t(rank) * c + j);
            return s;
        }
        case CollectiveKind::alltoall: return input_value(seed, int(j / c), std::uint64_t(rank) * c + j % c);
        case CollectiveKind::broadcast: return input_value(seed, 0, j);
        case CollectiveKind::sendrecv: return input_value(seed, (rank + n - 1) % n, j);
    }
    return 0;
}

std::uint64_t count_wrong(CollectiveKind k, std::uint64_t seed, int rank, int n, const CollectiveBuffers& b,
                          const float* recv, std::string* detail) {
    std::uint64_t wrong = 0;
    std::int64_t first = -1;
#pragma omp parallel for schedule(static) reduction(+ : wrong)
    for (std::int64_t j = 0; j < std::int64_t(b.recv_elems); ++j) {
        // Exact integers compare exactly; a poison NaN equals nothing.
        if (!(recv[j] == expected_value(k, seed, rank, n, b, std::uint64_t(j)))) {
            ++wrong;
#pragma omp critical
            if (first < 0 || j < first) first = j;
        }
    }
    if (wrong && detail)
        *detail = fmt::format("{} of {} elements wrong, first at {}: got {}, expected {}", wrong, b.recv_elems, first,
                              recv[first], expected_value(k, seed, rank, n, b, std::uint64_t(first)));
    return wrong;
}

}  // namespace bakeoff::cluster
