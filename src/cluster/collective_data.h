// Inputs and exact verification of the collective workloads. Every rank's
// send buffer holds small integers in fp32 drawn from (seed, rank, index), so
// any rank can compute what every other rank sent, and every sum over ranks is
// exact (|value| <= 100: exact in fp32 up to 80 000 ranks). Verification counts
// the wrong elements of this rank's received buffer; any wrong element fails.
#pragma once

#include "workloads/collective/bus_bandwidth.h"

#include <cstdint>
#include <string>

namespace bakeoff::cluster {

// The value `rank` sends at `index` (an integer in [-100, 100]).
float input_value(std::uint64_t seed, int rank, std::uint64_t index);

// What this rank must send: b.send_elems values.
void fill_send(std::uint64_t seed, int rank, const CollectiveBuffers& b, float* send);

// The value this rank must receive at `index` of its receive buffer.
// Broadcast is from rank 0; sendrecv receives from rank - 1 (a ring).
float expected_value(CollectiveKind k, std::uint64_t seed, int rank, int nranks, const CollectiveBuffers& b,
                     std::uint64_t index);

// Wrong elements of recv (b.recv_elems); *detail names the first one.
std::uint64_t count_wrong(CollectiveKind k, std::uint64_t seed, int rank, int nranks, const CollectiveBuffers& b,
                          const float* recv, std::string* detail);

}  // namespace bakeoff::cluster
