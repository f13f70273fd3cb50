// Device collectives through NCCL, when it was found at build time
// (BAKEOFF_HAVE_NCCL). The launcher bootstraps: rank 0 calls unique_id, the
// bytes travel over MPI, every rank calls comm_init with them. Sum reduction;
// all-to-all is a grouped send/receive to every peer.
#include "cuda_internal.h"

#ifdef BAKEOFF_HAVE_NCCL
#include <nccl.h>

#include <cstring>

struct bk_comm {
    ncclComm_t comm = nullptr;
    bk_device* dev = nullptr;
    int32_t nranks = 0, rank = 0;
};

namespace bakeoff::cuda {

namespace {

bk_status nccl_fail(ncclResult_t r, const std::string& what) {
    const char* t = ncclGetErrorString(r);
    return fail(r == ncclInvalidArgument || r == ncclInvalidUsage ? BK_INVALID_ARGUMENT : BK_DEVICE_ERROR,
                what + ": " + (t ? t : "NCCL error " + std::to_string(int(r))));
}

bool nccl_type(uint32_t dtype, ncclDataType_t* t, size_t* size) {
    switch (dtype) {
        case BK_F32: *t = ncclFloat32; *size = 4; return true;
        case BK_F64: *t = ncclFloat64; *size = 8; return true;
        case BK_BF16: *t = ncclBfloat16; *size = 2; return true;
        case BK_F16: *t = ncclFloat16; *size = 2; return true;
        case BK_I32: *t = ncclInt32; *size = 4; return true;
        case BK_I8: *t = ncclInt8; *size = 1; return true;
        default: return false;
    }
}

bk_status api_unique_id(void* buf, size_t len, size_t* used) {
    return guarded([&]() -> bk_status {
        if (!buf || !used) return fail(BK_INVALID_ARGUMENT, "unique_id: NULL argument");
        if (len < sizeof(ncclUniqueId))
            return fail(BK_INVALID_ARGUMENT, "unique_id: needs " + std::to_string(sizeof(ncclUniqueId)) + " bytes");
        ncclUniqueId id;
        if (ncclResult_t r = ncclGetUniqueId(&id); r != ncclSuccess) return nccl_fail(r, "ncclGetUniqueId");
        std::memcpy(buf, &id, sizeof id);
        *used = sizeof id;
        return BK_OK;
    });
}

bk_status api_comm_init(bk_device* dev, int32_t nranks, int32_t rank, const void* id, size_t id_len, bk_comm** out) {
    return guarded([&]() -> bk_status {
        if (!dev || !id || !out) return fail(BK_INVALID_ARGUMENT, "comm_init: NULL argument");
        *out = nullptr;
        if (id_len != sizeof(ncclUniqueId))
            return fail(BK_INVALID_ARGUMENT, "comm_init: the id has " + std::to_string(id_len) + " bytes, NCCL's has " +
                                                 std::to_string(sizeof(ncclUniqueId)));
        if (nranks < 1 || rank < 0 || rank >= nranks)
            return fail(BK_INVALID_ARGUMENT, "comm_init: rank " + std::to_string(rank) + " of " + std::to_string(nranks));
        use_device(dev);
        ncclUniqueId uid;
        std::memcpy(&uid, id, sizeof uid);
        auto c = std::make_unique<bk_comm>();
        c->dev = dev;
        c->nranks = nranks;
        c->rank = rank;
        if (ncclResult_t r = ncclCommInitRank(&c->comm, nranks, uid, rank); r != ncclSuccess)
            return nccl_fail(r, "ncclCommInitRank");
        *out = c.release();
        return BK_OK;
    });
}

void api_comm_destroy(bk_comm* c) {
    if (!c) return;
    cudaSetDevice(c->dev->index);
    if (c->comm) ncclCommDestroy(c->comm);
    delete c;
}

bk_status api_collective(bk_comm* c, bk_stream* s, uint32_t kind, uint32_t dtype, bk_buffer* send, bk_buffer* recv,
                         uint64_t count, int32_t root) {
    return guarded([&]() -> bk_status {
        if (!c || !s || !send || !recv) return fail(BK_INVALID_ARGUMENT, "collective: NULL argument");
        ncclDataType_t t;
        size_t es = 0;
        if (!nccl_type(dtype, &t, &es)) return fail(BK_UNSUPPORTED, "collective: NCCL has no type for this dtype");
        const uint64_t n = uint64_t(c->nranks);
        uint64_t send_elems = count, recv_elems = count;
        switch (kind) {
            case BK_COLL_ALLREDUCE:
            case BK_COLL_BROADCAST: break;
            case BK_COLL_ALLGATHER: recv_elems = count * n; break;
            case BK_COLL_REDUCE_SCATTER: send_elems = count * n; break;
            case BK_COLL_ALLTOALL: send_elems = recv_elems = count * n; break;
            default: return fail(BK_UNSUPPORTED, "collective: unknown kind " + std::to_string(kind));
        }
        if (send->bytes < send_elems * es || recv->bytes < recv_elems * es)
            return fail(BK_INVALID_ARGUMENT, "collective: a buffer is smaller than the collective needs");
        if (send->host() || recv->host()) return fail(BK_INVALID_ARGUMENT, "collective: buffers must be device memory");
        if (kind == BK_COLL_BROADCAST && (root < 0 || root >= c->nranks))
            return fail(BK_INVALID_ARGUMENT, "collective: root " + std::to_string(root) + " out of range");
        use_device(c->dev);
        ncclResult_t r = ncclSuccess;
        switch (kind) {
            case BK_COLL_ALLREDUCE: r = ncclAllReduce(send->ptr, recv->ptr, count, t, ncclSum, c->comm, s->s); break;
            case BK_COLL_ALLGATHER: r = ncclAllGather(send->ptr, recv->ptr, count, t, c->comm, s->s); break;
            case BK_COLL_REDUCE_SCATTER:
                r = ncclReduceScatter(send->ptr, recv->ptr, count, t, ncclSum, c->comm, s->s);
                break;
            case BK_COLL_BROADCAST: r = ncclBroadcast(send->ptr, recv->ptr, count, t, root, c->comm, s->s); break;
            case BK_COLL_ALLTOALL: {
                r = ncclGroupStart();
                const char* sp = static_cast<const char*>(send->ptr);
                char* rp = static_cast<char*>(recv->ptr);
                for (int32_t peer = 0; peer < c->nranks && r == ncclSuccess; ++peer) {
                    r = ncclSend(sp + uint64_t(peer) * count * es, count, t, peer, c->comm, s->s);
                    if (r == ncclSuccess) r = ncclRecv(rp + uint64_t(peer) * count * es, count, t, peer, c->comm, s->s);
                }
                const ncclResult_t e = ncclGroupEnd();
                if (r == ncclSuccess) r = e;
                break;
            }
        }
        if (r != ncclSuccess) return nccl_fail(r, "NCCL collective");
        return BK_OK;
    });
}

std::string library_name() {
    int v = 0;
    if (ncclGetVersion(&v) != ncclSuccess) return "NCCL";
    return "NCCL " + std::to_string(v / 10000) + "." + std::to_string((v / 100) % 100) + "." + std::to_string(v % 100);
}

}  // namespace

const bk_collectives* nccl_collectives() {
    static const std::string name = library_name();
    static const bk_collectives table = [] {
        bk_collectives t{};
        t.struct_size = sizeof t;
        t.library = name.c_str();
        t.unique_id = api_unique_id;
        t.comm_init = api_comm_init;
        t.comm_destroy = api_comm_destroy;
        t.collective = api_collective;
        return t;
    }();
    return &table;
}

}  // namespace bakeoff::cuda

#else

namespace bakeoff::cuda {
const bk_collectives* nccl_collectives() { return nullptr; }
}  // namespace bakeoff::cuda

#endif
