// A test-only backend whose device collectives are MPI on host memory: it
// stands in for NCCL/HCCL behind bk_backend.collectives so the device path of
// the collective workloads (unique id from rank 0, broadcast over MPI,
// comm_init on every rank, collective on buffer_alloc buffers, events) runs
// end to end on a machine without accelerators. It runs no other op.
// BAKEOFF_MPICOLL_WRONG=<rank> makes that rank receive one wrong element, so
// tests can check that verification notices.
//
// The device, buffers, streams and events come from the SDK's host-memory
// device (include/bakeoff/host_device.h), as in tests/plugins/fake_backend.cpp.
#include "test_device.h"

#include <mpi.h>

#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

struct bk_comm { MPI_Comm comm; int rank, nranks; };

namespace {
using bk_plugin::fail;

bk_status device_props(int32_t index, bk_device_props* p) {
    bk_device_props full;
    if (bk_status s = bk_host::describe_device(index, &full); s != BK_OK) return s;
    bk_plugin::copy_str(full.peak_basis, sizeof full.peak_basis, "none");
    return bk_host::publish(full, p);
}
bk_status supports(bk_device*, const bk_op_desc*) { return fail(BK_UNSUPPORTED, "test plugin: collectives only"); }
bk_status launch(bk_stream*, const bk_op_desc*, bk_buffer* const*, uint32_t) {
    return fail(BK_UNSUPPORTED, "test plugin: collectives only");
}

// --- collectives ---
bk_status unique_id(void* buf, size_t len, size_t* used) {
    if (len < 16) return fail(BK_INVALID_ARGUMENT, "id buffer too small");
    std::random_device rd;
    for (int i = 0; i < 16; ++i) static_cast<unsigned char*>(buf)[i] = static_cast<unsigned char>(rd());
    *used = 16;
    return BK_OK;
}

bk_status comm_init(bk_device*, int32_t nranks, int32_t rank, const void* id, size_t id_len, bk_comm** out) {
    int ok = 0;
    MPI_Initialized(&ok);
    if (!ok) return fail(BK_INVALID_ARGUMENT, "MPI is not initialised");
    if (id_len != 16) return fail(BK_INVALID_ARGUMENT, "unique id of the wrong size");
    // Every rank must have been given rank 0's id: compare them.
    std::vector<unsigned char> all(16 * std::size_t(nranks));
    MPI_Allgather(id, 16, MPI_BYTE, all.data(), 16, MPI_BYTE, MPI_COMM_WORLD);
    for (int r = 1; r < nranks; ++r)
        if (std::memcmp(all.data(), all.data() + 16 * r, 16) != 0)
            return fail(BK_INVALID_ARGUMENT, "ranks were given different unique ids");
    auto* c = new bk_comm{MPI_COMM_NULL, rank, nranks};
    MPI_Comm_dup(MPI_COMM_WORLD, &c->comm);
    *out = c;
    return BK_OK;
}

void comm_destroy(bk_comm* c) {
    MPI_Comm_free(&c->comm);
    delete c;
}

bk_status collective(bk_comm* c, bk_stream*, uint32_t kind, uint32_t dtype, bk_buffer* send, bk_buffer* recv,
                     uint64_t count, int32_t root) {
    if (dtype != BK_F32) return fail(BK_UNSUPPORTED, "test plugin: fp32 only");
    const int n = int(count);
    float* s = reinterpret_cast<float*>(send->bytes.data());
    float* r = reinterpret_cast<float*>(recv->bytes.data());
    int rc = MPI_SUCCESS;
    switch (kind) {
        case BK_COLL_ALLREDUCE: rc = MPI_Allreduce(s, r, n, MPI_FLOAT, MPI_SUM, c->comm); break;
        case BK_COLL_ALLGATHER: rc = MPI_Allgather(s, n, MPI_FLOAT, r, n, MPI_FLOAT, c->comm); break;
        case BK_COLL_REDUCE_SCATTER: rc = MPI_Reduce_scatter_block(s, r, n, MPI_FLOAT, MPI_SUM, c->comm); break;
        case BK_COLL_ALLTOALL: rc = MPI_Alltoall(s, n, MPI_FLOAT, r, n, MPI_FLOAT, c->comm); break;
        case BK_COLL_BROADCAST:
            if (c->rank == root) std::memcpy(r, s, count * 4);
            rc = MPI_Bcast(r, n, MPI_FLOAT, root, c->comm);
            break;
        default: return fail(BK_UNSUPPORTED, "unknown collective");
    }
    if (rc != MPI_SUCCESS) return fail(BK_DEVICE_ERROR, "MPI error");
    if (const char* w = std::getenv("BAKEOFF_MPICOLL_WRONG"); w && std::atoi(w) == c->rank) r[0] += 1;
    return BK_OK;
}

const bk_collectives* collectives() {
    static const bk_collectives table = {sizeof(bk_collectives), "MPI test collectives", unique_id, comm_init,
                                         comm_destroy, collective};
    return &table;
}

bk_backend make_table() {
    bk_backend t = bk_host::base_table("mpicoll", "test", test_device("MPI collectives test device"));
    t.device_props = device_props;
    t.supports = supports;
    t.launch = launch;
    t.collectives = collectives;
    return t;
}
const bk_backend g_table = make_table();
}  // namespace

extern "C" BK_EXPORT const bk_backend* bakeoff_backend_entry(void) { return &g_table; }
