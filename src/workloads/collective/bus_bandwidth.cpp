#include "workloads/collective/bus_bandwidth.h"

#include "core/name_table.h"

#include <algorithm>

namespace bakeoff {

namespace {
constexpr NameEntry<CollectiveKind> kCollectiveNames[] = {
    {CollectiveKind::allreduce, "allreduce"}, {CollectiveKind::allgather, "allgather"},
    {CollectiveKind::reduce_scatter, "reduce_scatter"}, {CollectiveKind::alltoall, "alltoall"},
    {CollectiveKind::broadcast, "broadcast"}, {CollectiveKind::sendrecv, "sendrecv"}};
}

std::string_view collective_name(CollectiveKind k) { return name_of(kCollectiveNames, k); }

std::optional<CollectiveKind> parse_collective(std::string_view name) { return value_named(kCollectiveNames, name); }

double busbw_factor(CollectiveKind k, int n) {
    if (n < 2) return 0;
    const double dn = n;
    switch (k) {
        case CollectiveKind::allreduce: return 2 * (dn - 1) / dn;
        case CollectiveKind::allgather:
        case CollectiveKind::reduce_scatter:
        case CollectiveKind::alltoall: return (dn - 1) / dn;
        case CollectiveKind::broadcast:
        case CollectiveKind::sendrecv: return 1;
    }
    return 0;
}

CollectiveBuffers collective_buffers(CollectiveKind k, std::uint64_t requested_bytes, int n, std::uint64_t elem_bytes) {
    const std::uint64_t un = std::uint64_t(std::max(n, 1));
    CollectiveBuffers b;
    switch (k) {
        case CollectiveKind::allreduce:
        case CollectiveKind::broadcast:
        case CollectiveKind::sendrecv:
            b.count = std::max<std::uint64_t>(1, requested_bytes / elem_bytes);
            b.send_elems = b.recv_elems = b.count;
            b.message_bytes = b.count * elem_bytes;
            break;
        case CollectiveKind::allgather:
            b.count = std::max<std::uint64_t>(1, requested_bytes / (elem_bytes * un));
            b.send_elems = b.count;
            b.recv_elems = b.count * un;
            b.message_bytes = b.recv_elems * elem_bytes;
            break;
        case CollectiveKind::reduce_scatter:
            b.count = std::max<std::uint64_t>(1, requested_bytes / (elem_bytes * un));
            b.send_elems = b.count * un;
            b.recv_elems = b.count;
            b.message_bytes = b.send_elems * elem_bytes;
            break;
        case CollectiveKind::alltoall:
            b.count = std::max<std::uint64_t>(1, requested_bytes / (elem_bytes * un));
            b.send_elems = b.recv_elems = b.count * un;
            b.message_bytes = b.send_elems * elem_bytes;
            break;
    }
    return b;
}

double algbw_gbs(std::uint64_t message_bytes, double seconds) { return double(message_bytes) / seconds / 1e9; }

double busbw_gbs(CollectiveKind k, int n, std::uint64_t message_bytes, double seconds) {
    return algbw_gbs(message_bytes, seconds) * busbw_factor(k, n);
}

}  // namespace bakeoff
