// The CPU backend's NN ops: every conformance case of the NN ops passes on the
// cpu device (or is unsupported with a reason), the ops the backend claims are
// the ones listed in its documentation, and bad input is refused with one
// readable line instead of a crash.
#include "conformance/conformance.h"
#include "conformance/nn_cases.h"
#include "core/backend.h"
#include "core/plugin_registry.h"
#include "cpu_backend.h"
#include "common/op_desc.h"
#include "nn/cpu_session.h"
#include "numeric/rng.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <set>
#include <string>
#include <vector>

namespace bakeoff {
namespace {

struct Cpu : CpuSession {
    bk_buffer* buf(const void* data, std::size_t bytes) {
        bk_buffer* b = nullptr;
        t->buffer_alloc(dev, bytes, &b);
        if (data) t->buffer_upload(b, 0, data, bytes);
        return b;
    }
};

bk_op_desc desc(std::uint32_t kind, std::uint32_t dtype) { return bktest::op_desc(kind, dtype); }

TEST(CpuNn, ConformanceCasesPassOnTheCpu) {
    PluginRegistry reg;
    ASSERT_TRUE(reg.add_builtin(bakeoff_cpu_backend()));
    const auto devs = reg.devices();
    ASSERT_FALSE(devs.empty());
    Device dev(devs[0]);
    int passed = 0;
    std::set<std::string> claimed;
    for (const bk_op_desc& op : conformance::planned_nn_ops()) {
        const std::string id = conformance::op_name(op) + " " + conformance::shape_label(op) + " " +
                               std::to_string(op.dtype_a) + std::to_string(op.dtype_c);
        const auto r = conformance::run_case(dev, op, derive_seed(42, id));
        EXPECT_TRUE(r.outcome == conformance::Outcome::pass || r.outcome == conformance::Outcome::unsupported)
            << r.id() << ": " << r.detail;
        if (r.outcome == conformance::Outcome::unsupported) {
            EXPECT_FALSE(r.detail.empty()) << r.id();
        } else {
            ++passed;
            claimed.insert(r.op + " " + r.dtype + " " + r.path);
        }
    }
    // What the backend claims (and docs/methodology.md lists): every op on the
    // portable path in f32; bf16 and f64 activations for the forward ops.
    for (const char* must : {"rmsnorm fp32 portable", "rmsnorm bf16 portable", "rmsnorm fp64 portable",
                             "attention bf16 portable", "attention fp32 portable", "softmax bf16 portable",
                             "rope bf16 portable", "rope_freq bf16 portable", "rope_freq fp32 portable",
                             "swiglu bf16 portable", "embedding bf16 portable",
                             "kv_write bf16 portable", "scatter_add fp32 portable", "topk_route fp32 portable",
                             "rmsnorm_bwd fp32 portable", "swiglu_bwd fp32 portable", "attention_bwd fp32 portable",
                             "cross_entropy fp32 portable", "adamw fp32 portable", "convert fp32->bf16 portable",
                             "convert bf16->fp32 portable", "rope_pos fp32 portable", "rope_pos bf16 portable",
                             "paged_kv_write fp16 portable", "paged_attention fp64 portable",
                             "paged_attention fp32 portable", "paged_attention bf16 portable",
                             "paged_attention fp16 portable"})
        EXPECT_TRUE(claimed.count(must)) << must;
    for (const std::string& c : claimed) EXPECT_EQ(c.find("vendor"), std::string::npos) << c;
    EXPECT_GT(passed, 0);
}

TEST(CpuNn, OutOfRangeIdsAreRefusedBeforeAnythingIsWritten) {
    Cpu c;
    bk_op_desc op = desc(BK_OP_EMBEDDING, BK_F32);
    op.u.nn.rows = 2, op.u.nn.dim = 2, op.u.nn.vocab = 3;
    const float table[6] = {1, 2, 3, 4, 5, 6};
    const std::int32_t ids[2] = {1, 3};
    const float y0[4] = {9, 9, 9, 9};
    bk_buffer* b[3] = {c.buf(table, sizeof table), c.buf(ids, sizeof ids), c.buf(y0, sizeof y0)};
    EXPECT_EQ(c.t->launch(c.s, &op, b, 3), BK_INVALID_ARGUMENT);
    EXPECT_NE(std::string(c.t->last_error()).find("ids[1] = 3 is outside [0, 3)"), std::string::npos)
        << c.t->last_error();
    float y[4];
    c.t->buffer_download(b[2], 0, y, sizeof y);
    EXPECT_EQ(y[0], 9.0f);
    for (auto* x : b) c.t->buffer_free(x);
}

TEST(CpuNn, BadDescriptorsGetAReason) {
    Cpu c;
    bk_op_desc op = desc(BK_OP_ATTENTION, BK_F32);
    auto& a = op.u.attn;
    a.batch = 1, a.heads = 3, a.kv_heads = 2, a.seq_q = 1, a.seq_kv = 1, a.kv_capacity = 1, a.head_dim = 4;
    EXPECT_EQ(c.t->supports(c.dev, &op), BK_INVALID_ARGUMENT);
    EXPECT_NE(std::string(c.t->last_error()).find("multiple of kv_heads"), std::string::npos);
    a.heads = 2, a.causal = 1, a.seq_q = 2;
    EXPECT_EQ(c.t->supports(c.dev, &op), BK_INVALID_ARGUMENT);
    EXPECT_NE(std::string(c.t->last_error()).find("seq_q <= seq_kv"), std::string::npos);

    bk_op_desc r = desc(BK_OP_ROPE, BK_F32);
    r.u.nn.rows = 2, r.u.nn.seq = 2, r.u.nn.heads = 1, r.u.nn.head_dim = 3, r.u.nn.dim = 3, r.u.nn.theta = 1e4;
    EXPECT_EQ(c.t->supports(c.dev, &r), BK_INVALID_ARGUMENT);
    EXPECT_NE(std::string(c.t->last_error()).find("head_dim must be even"), std::string::npos);

    bk_op_desc v = desc(BK_OP_SOFTMAX, BK_F32);
    v.u.nn.rows = 1, v.u.nn.dim = 4;
    v.path = BK_PATH_VENDOR;
    EXPECT_EQ(c.t->supports(c.dev, &v), BK_UNSUPPORTED);
    v.path = BK_PATH_PORTABLE;
    v.struct_size = offsetof(bk_op_desc, u) + 8;  // truncated: too small for bk_nn_op
    EXPECT_EQ(c.t->supports(c.dev, &v), BK_INVALID_ARGUMENT);
    v.struct_size = sizeof v;
    // Operand count and size are checked at launch.
    float x[4] = {1, 2, 3, 4};
    bk_buffer* small = c.buf(x, 8);
    bk_buffer* ops[2] = {small, small};
    EXPECT_EQ(c.t->launch(c.s, &v, ops, 2), BK_INVALID_ARGUMENT);
    EXPECT_NE(std::string(c.t->last_error()).find("holds 8 bytes"), std::string::npos) << c.t->last_error();
    EXPECT_EQ(c.t->launch(c.s, &v, ops, 1), BK_INVALID_ARGUMENT);
    c.t->buffer_free(small);
}

TEST(CpuNn, RopeFreqWithThetasFrequenciesIsRopeAndOthersDiffer) {
    // ROPE_FREQ given theta's own frequencies must give ROPE's output bit for
    // bit; given halved ones, another output.
    Cpu c;
    const std::int64_t batch = 2, seq = 3, heads = 2, hd = 8, n = batch * seq * heads * hd;
    bk_op_desc r = desc(BK_OP_ROPE, BK_F32);
    auto& nn = r.u.nn;
    nn.rows = batch * seq, nn.seq = seq, nn.heads = heads, nn.head_dim = hd, nn.dim = heads * hd;
    nn.pos_offset = 1000, nn.theta = 10000;
    bk_op_desc rf = r;
    rf.kind = BK_OP_ROPE_FREQ;
    std::vector<float> x(static_cast<std::size_t>(n));
    fill_uniform(x.data(), x.size(), 3, -1.0f, 1.0f);
    std::vector<double> freq(hd / 2), half(hd / 2);
    for (std::size_t i = 0; i < freq.size(); ++i) {
        freq[i] = std::pow(10000.0, -2.0 * double(i) / double(hd));
        half[i] = freq[i] / 2;
    }
    bk_buffer* xb = c.buf(x.data(), x.size() * 4);
    bk_buffer* fb = c.buf(freq.data(), freq.size() * 8);
    bk_buffer* hb = c.buf(half.data(), half.size() * 8);
    bk_buffer* y0 = c.buf(nullptr, x.size() * 4);
    bk_buffer* y1 = c.buf(nullptr, x.size() * 4);
    bk_buffer* y2 = c.buf(nullptr, x.size() * 4);
    bk_buffer* plain[2] = {xb, y0};
    bk_buffer* given[3] = {xb, fb, y1};
    bk_buffer* halved[3] = {xb, hb, y2};
    ASSERT_EQ(c.t->launch(c.s, &r, plain, 2), BK_OK) << c.t->last_error();
    ASSERT_EQ(c.t->launch(c.s, &rf, given, 3), BK_OK) << c.t->last_error();
    ASSERT_EQ(c.t->launch(c.s, &rf, halved, 3), BK_OK) << c.t->last_error();
    EXPECT_EQ(c.t->launch(c.s, &rf, plain, 2), BK_INVALID_ARGUMENT);  // the freq operand is required
    c.t->stream_sync(c.s);
    std::vector<float> a(x.size()), b(x.size()), h(x.size());
    c.t->buffer_download(y0, 0, a.data(), a.size() * 4);
    c.t->buffer_download(y1, 0, b.data(), b.size() * 4);
    c.t->buffer_download(y2, 0, h.data(), h.size() * 4);
    EXPECT_EQ(a, b);
    EXPECT_NE(a, h);
    for (bk_buffer* buf : {xb, fb, hb, y0, y1, y2}) c.t->buffer_free(buf);
}

TEST(CpuNn, OpInfoNamesTheKernel) {
    Cpu c;
    bk_op_desc op = desc(BK_OP_SOFTMAX, BK_BF16);
    op.u.nn.rows = 4, op.u.nn.dim = 8;
    char text[512];
    ASSERT_EQ(c.t->op_info(c.dev, &op, text, sizeof text), BK_OK);
    EXPECT_NE(std::string(text).find("bf16 storage, f32 math"), std::string::npos) << text;
}

// CONVERT of `in` (dtype `from`) to bf16 on the cpu device, one row; the bf16 bits into `out`.
template <class T, std::size_t N>
void convert_to_bf16(Cpu& c, const T (&in)[N], std::uint32_t from, std::uint16_t (&out)[N]) {
    bk_op_desc op = desc(BK_OP_CONVERT, from);
    op.dtype_c = BK_BF16;
    op.u.nn.rows = 1, op.u.nn.dim = N;
    bk_buffer* b[2] = {c.buf(in, sizeof in), c.buf(nullptr, sizeof out)};
    ASSERT_EQ(c.t->launch(c.s, &op, b, 2), BK_OK) << c.t->last_error();
    c.t->buffer_download(b[1], 0, out, sizeof out);
    for (auto* x : b) c.t->buffer_free(x);
}

TEST(CpuNn, Bf16ConversionRoundsToNearestEven) {
    Cpu c;
    // 1 + 2^-8 is halfway between bf16 1 and 1 + 2^-7: ties to even (1);
    // 1 + 3 * 2^-8 ties up to 1 + 2^-6; NaN stays NaN.
    const float in[4] = {1.0f + 0x1p-8f, 1.0f + 3 * 0x1p-8f, -2.5f, __builtin_nanf("")};
    std::uint16_t out[4];
    ASSERT_NO_FATAL_FAILURE(convert_to_bf16(c, in, BK_F32, out));
    EXPECT_EQ(out[0], 0x3F80);
    EXPECT_EQ(out[1], 0x3F82);
    EXPECT_EQ(out[2], 0xC020);
    EXPECT_EQ(out[3] & 0x7F80, 0x7F80);
    EXPECT_NE(out[3] & 0x7F, 0);
}

TEST(CpuNn, F64ToBf16RoundsOnce) {
    // Just past the tie 1 + 2^-8: rounds up to 1 + 2^-7. Through float first it
    // would land on the tie and go to even (1). The tie itself still goes to 1.
    Cpu c;
    const double in[3] = {1.0 + 0x1p-8 + 0x1p-40, -(1.0 + 0x1p-8 + 0x1p-40), 1.0 + 0x1p-8};
    std::uint16_t out[3];
    ASSERT_NO_FATAL_FAILURE(convert_to_bf16(c, in, BK_F64, out));
    EXPECT_EQ(out[0], 0x3F81);
    EXPECT_EQ(out[1], 0xBF81);
    EXPECT_EQ(out[2], 0x3F80);
}

}  // namespace
}  // namespace bakeoff

namespace bakeoff {
namespace {

// The decode-shaped GEMM cases of conformance (small m, large B) run the
// small-m kernel on the portable path (and, where OpenBLAS is the vendor
// library, cblas_?gemv for m = 1 on the vendor path), and pass.
TEST(CpuNn, SmallMGemmCasesPassAndNameTheirKernel) {
    PluginRegistry reg;
    ASSERT_TRUE(reg.add_builtin(bakeoff_cpu_backend()));
    const auto devs = reg.devices();
    ASSERT_FALSE(devs.empty());
    Device dev(devs[0]);
    int small_m = 0;
    for (const bk_op_desc& op : conformance::planned_ops()) {
        if (op.kind != BK_OP_GEMM || op.u.gemm.m > 16 || op.u.gemm.n * op.u.gemm.k < (1 << 15)) continue;
        const auto r = conformance::run_case(dev, op, derive_seed(7, conformance::shape_label(op)));
        if (r.outcome == conformance::Outcome::unsupported) continue;
        EXPECT_EQ(r.outcome, conformance::Outcome::pass) << r.id() << ": " << r.detail;
        const std::string info = dev.op_info(op);
        // Block-quantized weights (f32 x q*) have kernels of their own.
        const bool f32_like = op.dtype_c == BK_F32 && op.dtype_b == op.dtype_a &&
                              (op.dtype_a == BK_F32 || op.dtype_a == BK_BF16);
        if (op.path == BK_PATH_PORTABLE && f32_like) {
            EXPECT_NE(info.find("small-m"), std::string::npos) << r.id() << ": " << info;
            ++small_m;
        }
        // fp32 runs through OpenBLAS or oneDNN by the vendor-library rule
        // (backends/cpu/vendor_choice.h); OpenBLAS runs m = 1 as a gemv.
        if (op.path == BK_PATH_VENDOR && op.u.gemm.m == 1 && op.dtype_a == BK_F32) {
            const bool openblas = info.find("library: OpenBLAS") != std::string::npos;
            EXPECT_NE(info.find(openblas ? "sgemv" : "oneDNN"), std::string::npos) << r.id() << ": " << info;
        }
    }
    EXPECT_GE(small_m, 8);  // 4 shapes x {fp32, bf16}
}

}  // namespace
}  // namespace bakeoff
