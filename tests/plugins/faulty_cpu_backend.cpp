// A test-only proxy of the CPU backend, "faultycpu": the real CPU backend
// (its static library, linked in) behind a copy of its ABI table, so every
// call goes to the real function. One fault, switched on by the environment
// variable BAKEOFF_FAULTY_PAGED: after a PAGED_ATTENTION launch with seqs > 1
// has run, the first element of the first query row of the last sequence
// with queries is made 1/16 larger — a kernel that is wrong in the batched
// path only, while seqs == 1 stays correct. The serving engine's batch-
// invariance check (a batched run against single-request runs) must catch it.
// Apart from that, only its name and its initialization (on one OpenMP thread,
// see on_one_thread) differ from the CPU backend.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <omp.h>

#include "bakeoff/backend_abi.h"
#include "cpu_backend.h"
#include "bakeoff/plugin_half.h"

namespace {

const bk_backend& real() { return *bakeoff_cpu_backend(); }

// Adds delta to element `at` of buffer b holding dtype t (through the real table).
bk_status nudge(bk_buffer* b, uint32_t t, uint64_t at, double delta) {
    const uint64_t size = t == BK_F64 ? 8 : t == BK_F32 ? 4 : 2;
    unsigned char e[8] = {};
    if (bk_status st = real().buffer_download(b, at * size, e, size); st != BK_OK) return st;
    if (t == BK_F64) {
        double v;
        std::memcpy(&v, e, 8);
        v += delta;
        std::memcpy(e, &v, 8);
    } else if (t == BK_F32) {
        float v;
        std::memcpy(&v, e, 4);
        v += float(delta);
        std::memcpy(e, &v, 4);
    } else {
        uint16_t bits;
        std::memcpy(&bits, e, 2);
        bits = t == BK_BF16 ? bk_f32_to_bf16(bk_bf16_to_f32(bits) + float(delta))
                            : bk_f32_to_f16(bk_f16_to_f32(bits) + float(delta));
        std::memcpy(e, &bits, 2);
    }
    return real().buffer_upload(b, at * size, e, size);
}

bk_status faulty_launch(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands, uint32_t n_operands) {
    const bk_status st = real().launch(s, op, operands, n_operands);
    if (st != BK_OK || !std::getenv("BAKEOFF_FAULTY_PAGED") || op->kind != BK_OP_PAGED_ATTENTION) return st;
    const bk_paged_attention_op& a = op->u.paged;
    if (a.seqs <= 1) return st;
    std::vector<int32_t> q_start(size_t(a.seqs + 1));
    if (bk_status e = real().buffer_download(operands[3], 0, q_start.data(), q_start.size() * 4); e != BK_OK) return e;
    for (int64_t seq = a.seqs - 1; seq >= 0; --seq)
        if (q_start[size_t(seq + 1)] > q_start[size_t(seq)])
            return nudge(operands[6], op->dtype_a, uint64_t(q_start[size_t(seq)]) * uint64_t(a.heads * a.head_dim),
                         1.0 / 16);
    return st;
}

// The real backend's first init measures the clock in an OpenMP parallel
// region. The registry probes a plugin by calling init() and device_props() in
// a forked child, and libgomp cannot start a team in a child forked after the
// parent ran one (the built-in CPU backend has, by then): the child would hang.
// So this copy of the backend initializes on one OpenMP thread (no team; its
// clock is measured on one core), then gives the thread count back: ops run
// on the whole team.
template <class F>
bk_status on_one_thread(F&& f) {
    const int threads = omp_get_max_threads();
    omp_set_num_threads(1);
    const bk_status st = f();
    omp_set_num_threads(threads);
    return st;
}

bk_status faulty_init() {
    return on_one_thread([] { return real().init(); });
}

// The properties were built during that init: the thread count the ops use is the team's.
bk_status faulty_device_props(int32_t index, bk_device_props* out) {
    const bk_status st = real().device_props(index, out);
    if (st == BK_OK && out->struct_size >= offsetof(bk_device_props, threads) + sizeof out->threads)
        out->threads = uint32_t(omp_get_max_threads());
    return st;
}

bk_backend make_table() {
    bk_backend t = real();
    t.name = "faultycpu";
    t.init = faulty_init;
    t.device_props = faulty_device_props;
    t.launch = faulty_launch;
    return t;
}
const bk_backend g_table = make_table();

}  // namespace

extern "C" BK_EXPORT const bk_backend* bakeoff_backend_entry(void) { return &g_table; }
