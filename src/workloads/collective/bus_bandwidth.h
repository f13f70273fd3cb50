// Sizes and bandwidth conventions of the collective workloads, as nccl-tests
// defines them, so bakeoff's figures can be read next to nccl-tests' (and
// hccl-tests', which copy them). n is the number of ranks, S the message size.
//
//   collective       S (bytes)                          busbw factor
//   allreduce        per-rank buffer (count x 4)        2 (n - 1) / n
//   allgather        whole gathered buffer (n x count x 4)  (n - 1) / n
//   reduce_scatter   whole send buffer (n x count x 4)   (n - 1) / n
//   alltoall         whole send buffer (n x count x 4)   (n - 1) / n
//   broadcast        the buffer (count x 4)              1
//   sendrecv         the buffer sent (count x 4)         1
//
// algbw = S / t; busbw = algbw x factor. The factor turns algbw into the
// bandwidth each rank's link must carry with an optimal algorithm (a ring
// allreduce moves 2 (n - 1) / n of the buffer in and out of every rank), so
// busbw is comparable with the link's own bandwidth whatever n is.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace bakeoff {

enum class CollectiveKind { allreduce, allgather, reduce_scatter, alltoall, broadcast, sendrecv };

std::string_view collective_name(CollectiveKind k);  // "allreduce", "reduce_scatter", ...
std::optional<CollectiveKind> parse_collective(std::string_view name);

// busbw / algbw for n ranks (table above); 0 for n < 2, where nothing crosses a link.
double busbw_factor(CollectiveKind k, int n);

// Buffers of one rank for a requested message size S, in elements of
// elem_bytes. count is the ABI's count (bk_collectives.collective): elements
// per rank for allreduce/broadcast/sendrecv, per rank piece for the others.
// S is rounded down to what n ranks can split evenly, at least one element
// each; message_bytes is the S actually moved, the one algbw divides.
struct CollectiveBuffers {
    std::uint64_t count = 0;
    std::uint64_t send_elems = 0, recv_elems = 0;
    std::uint64_t message_bytes = 0;
};
CollectiveBuffers collective_buffers(CollectiveKind k, std::uint64_t requested_bytes, int n,
                                     std::uint64_t elem_bytes = 4);

// algbw and busbw in GB/s (1e9 B/s) for message_bytes moved in t seconds.
double algbw_gbs(std::uint64_t message_bytes, double seconds);
double busbw_gbs(CollectiveKind k, int n, std::uint64_t message_bytes, double seconds);

}  // namespace bakeoff
