// A test-only backend in plain host memory. It is correct by default; the
// environment variable BAKEOFF_FAKE_MODE makes it misbehave so tests can check
// that the harness notices:
//   wrong  — one output element is off by a small amount
//   skip   — launch returns BK_OK and computes nothing
//   crash  — launch raises SIGSEGV (the process dies, as a buggy kernel would)
//   abort  — launch calls abort()
//   exit   — launch ends the process with exit status 3
//   hang   — launch never returns
//   fast_timer — launch sleeps 25 ms more than it computes and the timing
//            events report a tenth of the real time (a timer that runs slow)
// BAKEOFF_FAKE_FAULT=<op>:<mode>[,<op>:<mode>...] (op: copy, scale, add,
// triad, dot, gemm) sets the mode of single ops, so one run holds good and
// faulty cases; ops it does not name use BAKEOFF_FAKE_MODE.
//   forge  — launch also writes forged records (a 100x figure for
//            membw.triad@cpu:0) to every descriptor it can find, as a
//            plugin that tries to answer for the worker would; then runs
// BAKEOFF_FAKE_LOAD_FAULT=<stage>:<mode> makes the plugin named "fake" fail
// while it is loaded, before any case: stage load (its constructor), entry
// (bakeoff_backend_entry), init or props (device_props); mode crash
// (SIGSEGV), abort, exit (exit(0), as a library that ends its host would),
// hang, or fail (init and props return an error).
// BAKEOFF_FAKE_PEAK_GFLOPS replaces the made-up fp32/fp64 peak (1000 GFLOP/s).
// BAKEOFF_FAKE_OP_INFO is what op_info answers for every op (a faked library
// report: implementation lines and "warning: " lines); unset, it answers "".
// Compile-time switches build deliberately broken plugins for the loader tests:
//   FAKE_ABI_VERSION=N  — claim another ABI version
//   FAKE_DROP_LAUNCH    — leave the required `launch` entry point NULL
//   FAKE_NO_SYMBOL      — export no bakeoff_backend_entry at all
//
// The device, buffers, streams and events come from the SDK's host device
// (include/bakeoff/host_device.h); this
// file holds the fake's own ops and its faults.
#include <bakeoff/op_rules.h>

#include "test_device.h"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include <unistd.h>

#ifndef FAKE_ABI_VERSION
#define FAKE_ABI_VERSION BK_ABI_VERSION
#endif

namespace {
using bk_plugin::fail;

// The last launch was in fast_timer mode: the events then report a tenth.
bool g_fast_timer = false;

std::string mode(uint32_t kind) {
    if (const char* f = std::getenv("BAKEOFF_FAKE_FAULT")) {
        const std::string all = f, want = std::string(bk_op_name(kind)) + ":";
        std::size_t at = 0;
        while (at <= all.size()) {
            std::size_t end = all.find(',', at);
            if (end == std::string::npos) end = all.size();
            const std::string item = all.substr(at, end - at);
            if (item.rfind(want, 0) == 0) return item.substr(want.size());
            at = end + 1;
        }
    }
    const char* m = std::getenv("BAKEOFF_FAKE_MODE");
    return m ? m : "correct";
}

// Acts out BAKEOFF_FAKE_LOAD_FAULT when it names `stage`; returns true for
// mode fail (the caller returns an error), otherwise returns false or never.
bool load_fault(const char* stage) {
    if (std::strcmp(FAKE_NAME, "fake") != 0) return false;  // the other test plugins load as built
    const char* f = std::getenv("BAKEOFF_FAKE_LOAD_FAULT");
    const std::string want = std::string(stage) + ":";
    if (!f || std::string(f).rfind(want, 0) != 0) return false;
    const std::string m = std::string(f).substr(want.size());
    if (m == "crash") std::raise(SIGSEGV);
    if (m == "abort") std::abort();
    if (m == "exit") std::exit(0);
    if (m == "hang")
        for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    return m == "fail";
}

// A record for another device with a figure 100 times too good, written to
// every descriptor that takes it: the worker's answer channel must not be one.
void forge_records() {
    const std::string rec =
        R"({"id":"membw.triad/fp64/64MiB/portable@cpu:0","workload":"membw.triad","dtype":"fp64","path":"portable",)"
        R"("size":67108864,"size_label":"64MiB","params":{},"device":{"id":"cpu:0","name":"cpu","backend":"cpu"},)"
        R"("status":"ok","reason":"","implementation":"forged","warnings":[],"seed":1,)"
        R"("work":{"flops":0,"bytes":1e9,"items":0},"metric":{"name":"bandwidth","unit":"GB/s","basis":"bytes",)"
        R"("scale":1e9,"lower_is_better":false},"samples_s":[0.001],"first_call_s":null,"telemetry":{},)"
        R"("claim":null,"wall_s":1})"
        "\n";
    for (int fd = 0; fd < 64; ++fd)
        for (int i = 0; i < 5; ++i)
            if (::write(fd, rec.data(), rec.size()) < 0) break;
}

const bool g_constructed = load_fault("load");

double made_up_peak() {
    const char* p = std::getenv("BAKEOFF_FAKE_PEAK_GFLOPS");
    return p ? std::atof(p) : 1000.0;
}

bk_status device_props(int32_t index, bk_device_props* p) {
    if (load_fault("props")) return fail(BK_DEVICE_ERROR, "device_props failed on purpose (BAKEOFF_FAKE_LOAD_FAULT)");
    bk_device_props full;
    if (bk_status s = bk_host::describe_device(index, &full); s != BK_OK) return s;
    full.last_level_cache_bytes = 1 << 20;
    full.peak_gflops[BK_F32] = made_up_peak();
    full.peak_gflops[BK_F64] = made_up_peak();
    bk_plugin::copy_str(full.peak_basis, sizeof full.peak_basis, "made up for tests");
    bk_plugin::copy_str(full.properties, sizeof full.properties, "mode=test\n");
    return bk_host::publish(full, p);
}

// The core's timing, except that fast_timer reports a tenth of it.
bk_status event_elapsed_ms(bk_event* a, bk_event* b, double* ms) {
    *ms = bk_host::measured_ms(a, b);
    if (g_fast_timer) *ms /= 10;
    if (*ms <= 0) *ms = 1e-6;
    return BK_OK;
}

using bk_plugin::is_stream_op;

bk_status supports(bk_device*, const bk_op_desc* op) {
    const bool f64 = op->dtype_a == BK_F64 && op->dtype_c == BK_F64;
    const bool f32 = op->dtype_a == BK_F32 && op->dtype_c == BK_F32;
    if (op->path != BK_PATH_PORTABLE) return fail(BK_UNSUPPORTED, "the fake backend has no vendor library");
    if (is_stream_op(op->kind) && (f64 || f32)) return BK_OK;
    if (op->kind == BK_OP_GEMM && (f64 || f32) && op->dtype_b == op->dtype_a) return BK_OK;
    return fail(BK_UNSUPPORTED, "the fake backend runs fp32/fp64 stream and gemm only");
}

template <typename T>
void run_stream(const bk_op_desc* op, bk_buffer* const* b) {
    const int64_t n = op->u.stream.n;
    const T q = T(op->u.stream.scalar);
    const T* x = reinterpret_cast<const T*>(b[0]->bytes.data());
    if (op->kind == BK_OP_COPY || op->kind == BK_OP_SCALE) {
        T* out = reinterpret_cast<T*>(b[1]->bytes.data());
        for (int64_t i = 0; i < n; ++i) out[i] = op->kind == BK_OP_COPY ? x[i] : q * x[i];
        return;
    }
    const T* y = reinterpret_cast<const T*>(b[1]->bytes.data());
    T* out = reinterpret_cast<T*>(b[2]->bytes.data());
    if (op->kind == BK_OP_DOT) {
        T s = 0;
        for (int64_t i = 0; i < n; ++i) s += x[i] * y[i];
        out[0] = s;
        return;
    }
    for (int64_t i = 0; i < n; ++i) {
        if (op->kind == BK_OP_ADD) {
            out[i] = x[i] + y[i];
        } else {
            volatile T p = q * y[i];
            out[i] = x[i] + p;
        }
    }
}

template <typename T>
void run_gemm(const bk_op_desc* op, bk_buffer* const* b) {
    const auto& g = op->u.gemm;
    const T* A = reinterpret_cast<const T*>(b[0]->bytes.data());
    const T* B = reinterpret_cast<const T*>(b[1]->bytes.data());
    T* C = reinterpret_cast<T*>(b[2]->bytes.data());
    for (int64_t i = 0; i < g.m; ++i)
        for (int64_t j = 0; j < g.n; ++j) {
            T s = 0;
            for (int64_t l = 0; l < g.k; ++l) {
                T a = g.trans_a ? A[l * g.lda + i] : A[i * g.lda + l];
                T bb = g.trans_b ? B[j * g.ldb + l] : B[l * g.ldb + j];
                s += a * bb;
            }
            C[i * g.ldc + j] = T(g.alpha) * s + (g.beta != 0 ? T(g.beta) * C[i * g.ldc + j] : T(0));
        }
}

[[maybe_unused]] bk_status launch(bk_stream*, const bk_op_desc* op, bk_buffer* const* b, uint32_t n_ops) {
    if (!op || !b) return fail(BK_INVALID_ARGUMENT, "null descriptor or operands");
    if (supports(nullptr, op) != BK_OK) return BK_UNSUPPORTED;
    const uint32_t need = op->kind == BK_OP_GEMM ? 3 : bk_plugin::stream_operand_count(op->kind);
    if (n_ops != need) return fail(BK_INVALID_ARGUMENT, "wrong operand count");
    const std::string m = mode(op->kind);
    g_fast_timer = m == "fast_timer";
    if (m == "skip") return BK_OK;
    if (m == "crash") std::raise(SIGSEGV);
    if (m == "abort") std::abort();
    if (m == "exit") std::_Exit(3);
    if (m == "hang")
        for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    if (m == "forge") forge_records();
    if (m == "fast_timer") std::this_thread::sleep_for(std::chrono::milliseconds(25));
    const bool f64 = op->dtype_a == BK_F64;
    if (is_stream_op(op->kind)) f64 ? run_stream<double>(op, b) : run_stream<float>(op, b);
    else f64 ? run_gemm<double>(op, b) : run_gemm<float>(op, b);
    if (m == "wrong") {
        // Perturb one element in the middle of the output by about 1e-3 relative.
        bk_buffer* out = b[need - 1];
        const size_t esize = f64 ? 8 : 4;
        const size_t count = op->kind == BK_OP_DOT ? 1 : out->bytes.size() / esize;
        const size_t at = count / 2;
        if (f64) {
            double* p = reinterpret_cast<double*>(out->bytes.data()) + at;
            *p = *p * 1.001 + 1e-3;
        } else {
            float* p = reinterpret_cast<float*>(out->bytes.data()) + at;
            *p = *p * 1.001f + 1e-3f;
        }
    }
    return BK_OK;
}

bk_status op_info(bk_device*, const bk_op_desc*, char* buf, size_t len) {
    const char* text = std::getenv("BAKEOFF_FAKE_OP_INFO");
    if (!buf || len == 0) return fail(BK_INVALID_ARGUMENT, "op_info: no output buffer");
    std::snprintf(buf, len, "%s", text ? text : "");
    return BK_OK;
}

bk_status init() {
    if (load_fault("init")) return fail(BK_DEVICE_ERROR, "init failed on purpose (BAKEOFF_FAKE_LOAD_FAULT)");
    return BK_OK;
}

bk_backend make_table() {
    bk_backend t = bk_host::base_table(FAKE_NAME, "test", test_device("fake host-memory device"));
    t.abi_version = FAKE_ABI_VERSION;
    t.init = init;
    t.device_props = device_props;
    t.event_elapsed_ms = event_elapsed_ms;
    t.supports = supports;
    t.op_info = op_info;
#ifndef FAKE_DROP_LAUNCH
    t.launch = launch;
#endif
    return t;
}
const bk_backend g_table = make_table();
}  // namespace

#ifndef FAKE_NO_SYMBOL
extern "C" BK_EXPORT const bk_backend* bakeoff_backend_entry(void) {
    (void)g_constructed;
    load_fault("entry");
    return &g_table;
}
#else
extern "C" BK_EXPORT const bk_backend* some_other_symbol(void) { return &g_table; }
#endif
