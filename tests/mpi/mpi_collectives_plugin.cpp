// A test-only backend whose device collectives are MPI on host memory: it
// stands in for NCCL/HCCL behind bk_backend.collectives so the device path of
// the collective workloads (unique id from rank 0, broadcast over MPI,
// comm_init on every rank, collective on buffer_alloc buffers, events) runs
// end to end on a machine without accelerators. It runs no other op.
// BAKEOFF_MPICOLL_WRONG=<rank> makes that rank receive one wrong element, so
// tests can check that verification notices.
#include <bakeoff/backend_abi.h>
#include <mpi.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <string>
#include <vector>

struct bk_device { int index; };
struct bk_buffer { std::vector<unsigned char> bytes; };
struct bk_stream { int unused; };
struct bk_event { std::chrono::steady_clock::time_point t; };
struct bk_comm { MPI_Comm comm; int rank, nranks; };

namespace {
thread_local std::string g_error;

bk_status fail(bk_status s, const std::string& why) {
    g_error = why;
    return s;
}

bk_status init() { return BK_OK; }
int32_t device_count() { return 1; }

bk_status device_props(int32_t index, bk_device_props* p) {
    if (index != 0) return fail(BK_INVALID_ARGUMENT, "no such device");
    std::strcpy(p->name, "MPI collectives test device");
    std::strcpy(p->vendor, "bakeoff tests");
    std::strcpy(p->kind, "accelerator");
    p->memory_bytes = p->memory_free_bytes = 1ull << 30;
    p->compute_units = p->threads = 1;
    std::strcpy(p->peak_basis, "none");
    return BK_OK;
}

bk_status device_open(int32_t index, bk_device** out) {
    if (index != 0) return fail(BK_INVALID_ARGUMENT, "no such device");
    *out = new bk_device{index};
    return BK_OK;
}
void device_close(bk_device* d) { delete d; }

bk_status buffer_alloc(bk_device*, uint64_t bytes, bk_buffer** out) {
    try {
        *out = new bk_buffer{std::vector<unsigned char>(bytes)};
    } catch (const std::bad_alloc&) {
        return fail(BK_OUT_OF_MEMORY, "out of host memory");
    }
    return BK_OK;
}
void buffer_free(bk_buffer* b) { delete b; }
bk_status buffer_upload(bk_buffer* b, uint64_t off, const void* src, uint64_t n) {
    if (off + n > b->bytes.size()) return fail(BK_INVALID_ARGUMENT, "upload past the end");
    std::memcpy(b->bytes.data() + off, src, n);
    return BK_OK;
}
bk_status buffer_download(bk_buffer* b, uint64_t off, void* dst, uint64_t n) {
    if (off + n > b->bytes.size()) return fail(BK_INVALID_ARGUMENT, "download past the end");
    std::memcpy(dst, b->bytes.data() + off, n);
    return BK_OK;
}
bk_status buffer_fill(bk_buffer* b, uint64_t off, uint64_t n, uint32_t pattern) {
    if (off + n > b->bytes.size() || n % 4) return fail(BK_INVALID_ARGUMENT, "bad fill");
    for (uint64_t i = off; i < off + n; i += 4) std::memcpy(b->bytes.data() + i, &pattern, 4);
    return BK_OK;
}
bk_status stream_create(bk_device*, bk_stream** out) {
    *out = new bk_stream{0};
    return BK_OK;
}
void stream_destroy(bk_stream* s) { delete s; }
bk_status stream_sync(bk_stream*) { return BK_OK; }
bk_status event_create(bk_device*, bk_event** out) {
    *out = new bk_event{};
    return BK_OK;
}
void event_destroy(bk_event* e) { delete e; }
bk_status event_record(bk_event* e, bk_stream*) {
    e->t = std::chrono::steady_clock::now();
    return BK_OK;
}
bk_status event_elapsed_ms(bk_event* a, bk_event* b, double* ms) {
    *ms = std::chrono::duration<double, std::milli>(b->t - a->t).count();
    return BK_OK;
}
bk_status supports(bk_device*, const bk_op_desc*) { return fail(BK_UNSUPPORTED, "test plugin: collectives only"); }
bk_status launch(bk_stream*, const bk_op_desc*, bk_buffer* const*, uint32_t) {
    return fail(BK_UNSUPPORTED, "test plugin: collectives only");
}
const char* last_error() { return g_error.c_str(); }

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
    bk_backend t{};
    t.abi_version = BK_ABI_VERSION;
    t.struct_size = sizeof(bk_backend);
    t.name = "mpicoll";
    t.version = "test";
    t.init = init;
    t.device_count = device_count;
    t.device_props = device_props;
    t.device_open = device_open;
    t.device_close = device_close;
    t.buffer_alloc = buffer_alloc;
    t.buffer_free = buffer_free;
    t.buffer_upload = buffer_upload;
    t.buffer_download = buffer_download;
    t.buffer_fill = buffer_fill;
    t.stream_create = stream_create;
    t.stream_destroy = stream_destroy;
    t.stream_sync = stream_sync;
    t.event_create = event_create;
    t.event_destroy = event_destroy;
    t.event_record = event_record;
    t.event_elapsed_ms = event_elapsed_ms;
    t.supports = supports;
    t.launch = launch;
    t.last_error = last_error;
    t.collectives = collectives;
    return t;
}
const bk_backend g_table = make_table();
}  // namespace

extern "C" BK_EXPORT const bk_backend* bakeoff_backend_entry(void) { return &g_table; }
