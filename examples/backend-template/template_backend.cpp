/*
 * A minimal bakeoff backend: the place to start porting a new chip.
 *
 * It runs the five stream ops (copy, scale, add, triad, dot) in f32 and f64
 * on the host, as the "portable" path, and says BK_UNSUPPORTED to everything
 * else. Everything but supports() and launch() comes from the plugin SDK's
 * host-memory device (bakeoff/host_device.h); docs/plugin-sdk.md says how to
 * replace it with your runtime's calls (device malloc, memcpy, queues,
 * events, kernels) one group of entry points at a time. Run
 * `bakeoff conformance --backend template` after each step.
 * docs/backend-sdk.md maps the entry points to common accelerator runtimes.
 *
 * Build (out of tree, against the installed headers):
 *   cmake -S . -B build -DBAKEOFF_INCLUDE_DIR=<prefix>/include
 *   cmake --build build
 *   BAKEOFF_PLUGIN_PATH=$PWD/build bakeoff conformance --backend template
 *
 * The file must be named libbakeoff_<name>.so; bakeoff finds it in the folders
 * of BAKEOFF_PLUGIN_PATH and in the plugins folder beside the binary.
 */
#include <bakeoff/host_device.h>
#include <bakeoff/plugin_sdk.h>

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

/* ---------------------------------------------------------------- errors ---
 * Every entry point returns a bk_status. On anything but BK_OK, last_error()
 * must return one line saying why (thread-local: two threads calling the
 * plugin never see each other's message). fail() keeps the line and returns
 * the status. Never abort(), exit() or let an exception cross the ABI: the
 * entry points below run their bodies inside guarded(). */
using bk_plugin::fail;
using bk_plugin::guarded;

/* ------------------------------------------------------------------- ops ---
 * supports() is the capability query, and the coverage table users see: say
 * BK_OK only for what launch() really runs, and give a reason with every
 * BK_UNSUPPORTED ("bf16 needs ...", "no vendor library for ..."). Unsupported
 * is a result, not a failure. Grow from here: the five stream ops, then one
 * GEMM (fp32 portable), then the vendor library's GEMM, then more dtypes.
 * The SDK's op_rules.h checks descriptors the way every backend does
 * (bk_plugin::check_gemm for the GEMM). */
bk_status check(const bk_op_desc* op, bk_plugin::StreamBytes* bytes) {
    if (!op || op->struct_size < offsetof(bk_op_desc, u) + sizeof(bk_stream_op))
        return fail(BK_INVALID_ARGUMENT, "supports: null or truncated descriptor");
    if (!bk_plugin::is_stream_op(op->kind))
        return fail(BK_UNSUPPORTED, "the template backend runs the stream ops only");
    if (op->path != BK_PATH_PORTABLE) return fail(BK_UNSUPPORTED, "the template backend has no vendor library");
    if (op->dtype_a != BK_F32 && op->dtype_a != BK_F64)
        return fail(BK_UNSUPPORTED, "the template backend's stream ops take f32 or f64, not ",
                    bk_dtype_name(op->dtype_a));
    if (std::string why = bk_plugin::stream_types_rule(*op); !why.empty()) return fail(BK_UNSUPPORTED, why);
    if (std::string why = bk_plugin::check_stream(*op, bytes); !why.empty()) return fail(BK_INVALID_ARGUMENT, why);
    return BK_OK;
}

bk_status api_supports(bk_device*, const bk_op_desc* op) {
    return guarded("supports", [&] {
        bk_plugin::StreamBytes bytes;
        return check(op, &bytes);
    });
}

/* One loop body per element type. Operands come inputs first, then the
 * output, in the order backend_abi.h gives for each op. */
template <class T>
void run_stream(const bk_op_desc& op, bk_buffer* const* operands) {
    const int64_t n = op.u.stream.n;
    const T q = static_cast<T>(op.u.stream.scalar);
    const T* x = reinterpret_cast<const T*>(operands[0]->bytes.data());
    if (op.kind == BK_OP_COPY || op.kind == BK_OP_SCALE) {
        T* out = reinterpret_cast<T*>(operands[1]->bytes.data());
        for (int64_t i = 0; i < n; ++i) out[i] = op.kind == BK_OP_COPY ? x[i] : q * x[i];
        return;
    }
    const T* y = reinterpret_cast<const T*>(operands[1]->bytes.data());
    T* out = reinterpret_cast<T*>(operands[2]->bytes.data());
    if (op.kind == BK_OP_DOT) {
        // Any summation order passes (tolerance 8 sqrt(n) u); this one
        // accumulates in double.
        double s = 0;
        for (int64_t i = 0; i < n; ++i) s += static_cast<double>(x[i]) * static_cast<double>(y[i]);
        out[0] = static_cast<T>(s);
        return;
    }
    // add and triad: exact results are required (triad may be fused).
    for (int64_t i = 0; i < n; ++i) out[i] = op.kind == BK_OP_ADD ? x[i] + y[i] : x[i] + q * y[i];
}

bk_status api_launch(bk_stream* s, const bk_op_desc* op, bk_buffer* const* operands, uint32_t n_operands) {
    return guarded("launch", [&] {
        if (!s) return fail(BK_INVALID_ARGUMENT, "launch: null stream");
        bk_plugin::StreamBytes bytes;
        if (bk_status st = check(op, &bytes); st != BK_OK) return st;  // never run what supports() refuses
        const uint32_t need = bk_plugin::stream_operand_count(op->kind);
        if (!operands) return fail(BK_INVALID_ARGUMENT, "launch: null operand list");
        if (std::string why = bk_plugin::operand_count_rule(op->kind, need, n_operands); !why.empty())
            return fail(BK_INVALID_ARGUMENT, why);
        // Every operand must be big enough: a bad descriptor is an error, not a crash.
        static const char* const roles[] = {"in0", "in1", "out"};
        for (uint32_t i = 0; i < need; ++i) {
            const char* role = i == need - 1 ? "out" : roles[i];
            if (!operands[i]) return fail(BK_INVALID_ARGUMENT, "launch: operand ", role, " is null");
            const uint64_t want = i == need - 1 ? bytes.out : bytes.in;
            if (std::string why = bk_plugin::operand_size_rule(role, operands[i]->bytes.size(), want); !why.empty())
                return fail(BK_INVALID_ARGUMENT, why);
        }
        if (op->dtype_a == BK_F64) run_stream<double>(*op, operands);
        else run_stream<float>(*op, operands);
        return BK_OK;
    });
}

/* device_props: the host device's description plus what this backend knows.
 * Unknown numbers stay 0. A real backend reports its memory (the harness
 * refuses sizes that do not fit in memory_free_bytes), its last-level cache
 * (working sets are sized past it) and its peaks, with peak_basis saying
 * where they come from ("datasheet", "estimate: ..."). */
bk_status api_device_props(int32_t index, bk_device_props* out) {
    return guarded("device_props", [&] {
        bk_device_props p;
        if (bk_status st = bk_host::describe_device(index, &p); st != BK_OK) return st;
        bk_plugin::copy_str(p.library_versions, sizeof p.library_versions, "none (plain C++ loops)");
        bk_plugin::copy_str(p.properties, sizeof p.properties, "example=true");
        return bk_host::publish(p, out);  // honours the caller's struct_size
    });
}

/* The table: lives for the life of the process. The host device fills every
 * entry point but supports and launch; OPTIONAL members stay NULL:
 *   op_info            say which kernel ran, and "warning: " lines
 *   telemetry_read     power, clocks, temperature, energy
 *   host_buffer_alloc  pinned/pageable host memory, for transfer bandwidth
 *   collectives        device collectives (NCCL-like), see docs/backend-sdk.md
 * The loader refuses a table with any other member NULL and says which. */
bk_backend make_table() {
    bk_host::DeviceInfo device;
    device.name = "template host device";
    device.vendor = "bakeoff example";
    device.kind = "cpu";
    bk_backend t = bk_host::base_table("template", "0.1", device);
    t.device_props = api_device_props;
    t.supports = api_supports;
    t.launch = api_launch;
    return t;
}
const bk_backend kTable = make_table();

}  // namespace

/* The one exported symbol. Build with hidden visibility so nothing else leaks. */
extern "C" BK_EXPORT const bk_backend* bakeoff_backend_entry(void) { return &kTable; }
