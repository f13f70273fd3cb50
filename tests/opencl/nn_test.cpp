// Neural-network ops on the OpenCL device, launched directly through the ABI
// and compared with host computations in double on odd shapes: attention
// (grouped-query, causal, a KV cache whose unused slots hold NaN, both
// forward kernels), rope at a position past f32's integers, rmsnorm and
// softmax rows longer than a work-group, bf16 narrowing, out-of-range ids
// (refused before anything is written), and op_info / unsupported reasons.
#include "opencl_plugin.h"

#include <cmath>
#include <unistd.h>

#include <cstdlib>
#include <limits>

using namespace bkocl;

namespace {

constexpr uint32_t kPoison = 0x7FC07FC0u;  // NaN in f32 and in both bf16 halves

bk_op_desc nn_desc(bk_op_kind kind, bk_dtype t) {
    bk_op_desc d;
    std::memset(&d, 0, sizeof d);
    d.struct_size = sizeof d;
    d.kind = kind;
    d.path = BK_PATH_PORTABLE;
    d.dtype_a = d.dtype_b = d.dtype_c = t;
    return d;
}

uint16_t to_bf16(float v) {  // round to nearest even, NaN kept
    uint32_t w;
    std::memcpy(&w, &v, 4);
    if ((w & 0x7FFFFFFFu) > 0x7F800000u) return uint16_t((w >> 16) | 0x40u);
    return uint16_t((w + 0x7FFFu + ((w >> 16) & 1u)) >> 16);
}

float from_bf16(uint16_t b) {
    const uint32_t w = uint32_t(b) << 16;
    float f;
    std::memcpy(&f, &w, 4);
    return f;
}

// max |got - want| / (|want| + mean |want|), NaN counting as infinite.
double rel_error(const std::vector<float>& got, const std::vector<double>& want) {
    double mean = 0;
    for (double w : want) mean += std::fabs(w);
    mean /= double(want.size());
    double worst = 0;
    for (size_t i = 0; i < want.size(); ++i) {
        const double e = std::fabs(double(got[i]) - want[i]) / (std::fabs(want[i]) + mean);
        worst = std::max(worst, std::isnan(e) ? std::numeric_limits<double>::infinity() : e);
    }
    return worst;
}

// Attention in double: q [b, sq, h, d], k/v [b, cap, kvh, d].
std::vector<double> attention_ref(const std::vector<float>& q, const std::vector<float>& k, const std::vector<float>& v,
                                  const bk_attention_op& a) {
    const int64_t D = a.head_dim, group = a.heads / a.kv_heads;
    std::vector<double> o(size_t(a.batch * a.seq_q * a.heads * D));
    for (int64_t b = 0; b < a.batch; ++b)
        for (int64_t h = 0; h < a.heads; ++h)
            for (int64_t i = 0; i < a.seq_q; ++i) {
                const int64_t n = a.causal ? a.seq_kv - a.seq_q + i + 1 : a.seq_kv;
                const float* qi = &q[size_t(((b * a.seq_q + i) * a.heads + h) * D)];
                std::vector<double> s(static_cast<size_t>(n));
                double mx = -INFINITY;
                for (int64_t j = 0; j < n; ++j) {
                    const float* kj = &k[size_t(((b * a.kv_capacity + j) * a.kv_heads + h / group) * D)];
                    double dot = 0;
                    for (int64_t d = 0; d < D; ++d) dot += double(qi[d]) * kj[d];
                    s[size_t(j)] = dot * a.scale;
                    mx = std::max(mx, s[size_t(j)]);
                }
                double sum = 0;
                for (double& x : s) sum += (x = std::exp(x - mx));
                double* oi = &o[size_t(((b * a.seq_q + i) * a.heads + h) * D)];
                for (int64_t j = 0; j < n; ++j) {
                    const float* vj = &v[size_t(((b * a.kv_capacity + j) * a.kv_heads + h / group) * D)];
                    for (int64_t d = 0; d < D; ++d) oi[d] += s[size_t(j)] / sum * vj[d];
                }
            }
    return o;
}

// Runs one f32 attention case on the device and returns the output.
std::vector<float> run_attention(const bk_attention_op& a, const std::vector<float>& q, const std::vector<float>& k,
                                 const std::vector<float>& v) {
    bk_device* d = device();
    Stream s(d);
    Buffer bq(d, q.size() * 4), bk(d, k.size() * 4), bv(d, v.size() * 4), bo(d, q.size() * 4 + 64);
    EXPECT_EQ(bq.upload(q), BK_OK);
    EXPECT_EQ(bk.upload(k), BK_OK);
    EXPECT_EQ(bv.upload(v), BK_OK);
    EXPECT_EQ(bo.fill(kPoison), BK_OK);
    bk_op_desc op = nn_desc(BK_OP_ATTENTION, BK_F32);
    op.u.attn = a;
    bk_buffer* ops[4] = {bq.get(), bk.get(), bv.get(), bo.get()};
    EXPECT_EQ(be()->launch(s.s, &op, ops, 4), BK_OK) << be()->last_error();
    EXPECT_EQ(be()->stream_sync(s.s), BK_OK) << be()->last_error();
    auto out = bo.download<float>(q.size() + 16);
    for (size_t i = q.size(); i < out.size(); ++i) {
        uint32_t w;
        std::memcpy(&w, &out[i], 4);
        EXPECT_EQ(w, kPoison) << "written past the output at " << i;
    }
    out.resize(q.size());
    return out;
}

void check_attention(const bk_attention_op& a) {
    const size_t nq = size_t(a.batch * a.seq_q * a.heads * a.head_dim);
    const size_t nk = size_t(a.batch * a.kv_capacity * a.kv_heads * a.head_dim);
    auto q = random_vector<float>(nq, 1, -2, 2), k = random_vector<float>(nk, 2, -2, 2), v = random_vector<float>(nk, 3);
    // Unused cache slots hold NaN: reading one would poison the output.
    for (int64_t b = 0; b < a.batch; ++b)
        for (int64_t j = a.seq_kv; j < a.kv_capacity; ++j)
            for (int64_t e = 0; e < a.kv_heads * a.head_dim; ++e) {
                const size_t at = size_t((b * a.kv_capacity + j) * a.kv_heads * a.head_dim + e);
                k[at] = v[at] = std::numeric_limits<float>::quiet_NaN();
            }
    const auto want = attention_ref(q, k, v, a);
    const auto got = run_attention(a, q, k, v);
    EXPECT_LE(rel_error(got, want), 3e-5);
}

bk_attention_op attn(int64_t batch, int64_t heads, int64_t kv_heads, int64_t seq_q, int64_t seq_kv, int64_t cap,
                     int64_t head_dim, bool causal) {
    bk_attention_op a{};
    a.batch = batch, a.heads = heads, a.kv_heads = kv_heads, a.seq_q = seq_q, a.seq_kv = seq_kv;
    a.kv_capacity = cap, a.head_dim = head_dim, a.causal = causal ? 1 : 0;
    a.scale = 1.0 / std::sqrt(double(head_dim));
    return a;
}

}  // namespace

TEST(OpenclNn, AttentionMatchesTheHostOnOddShapes) {
    BKOCL_REQUIRE_DEVICE();
    // Chunked prefill past one key block, grouped heads (3 per KV head), odd
    // head_dim; decode over a cache larger than seq_kv; not causal, two batches.
    for (const bk_attention_op& a : {attn(1, 6, 2, 5, 37, 45, 19, true), attn(1, 8, 2, 1, 70, 96, 64, true),
                                     attn(2, 3, 3, 9, 9, 9, 7, false), attn(1, 2, 1, 33, 33, 40, 130, true)}) {
        SCOPED_TRACE("b=" + std::to_string(a.batch) + " h=" + std::to_string(a.heads) + "/" +
                     std::to_string(a.kv_heads) + " q=" + std::to_string(a.seq_q) + " kv=" + std::to_string(a.seq_kv) +
                     "/" + std::to_string(a.kv_capacity) + " d=" + std::to_string(a.head_dim));
        check_attention(a);
    }
}

// The device picks the per-row forward kernel on CPUs and the tiled one
// elsewhere; the environment picks either for a process (read at the
// program's build), so the other kernel runs in a child process.
TEST(OpenclNn, AttentionTiledKernelMatchesTheHost) {
    BKOCL_REQUIRE_DEVICE();
    if (!std::getenv("BAKEOFF_OPENCL_ATTENTION")) {
        const std::string self = "/proc/self/exe";
        char path[4096];
        const ssize_t n = readlink(self.c_str(), path, sizeof path - 1);
        ASSERT_GT(n, 0);
        path[n] = '\0';
        for (const char* kernel : {"tiled", "rows"}) {
            const std::string cmd = std::string("BAKEOFF_OPENCL_ATTENTION=") + kernel + " '" + path +
                                    "' --gtest_filter=OpenclNn.AttentionMatchesTheHostOnOddShapes >/dev/null 2>&1";
            EXPECT_EQ(std::system(cmd.c_str()), 0) << "attention with BAKEOFF_OPENCL_ATTENTION=" << kernel;
        }
        return;
    }
    GTEST_SKIP() << "runs only in the parent process";
}

TEST(OpenclNn, AttentionInfoNamesTheKernel) {
    BKOCL_REQUIRE_DEVICE();
    bk_op_desc op = nn_desc(BK_OP_ATTENTION, BK_F32);
    op.u.attn = attn(1, 4, 2, 3, 3, 3, 16, true);
    char info[512] = {};
    ASSERT_EQ(be()->op_info(device(), &op, info, sizeof info), BK_OK) << be()->last_error();
    EXPECT_NE(std::string(info).find("online softmax"), std::string::npos) << info;
    op.path = BK_PATH_VENDOR;
    EXPECT_EQ(be()->supports(device(), &op), BK_UNSUPPORTED);
    EXPECT_NE(std::string(be()->last_error()).find("no vendor library"), std::string::npos) << be()->last_error();
    op.path = BK_PATH_PORTABLE;
    op.u.attn.head_dim = 512;
    EXPECT_EQ(be()->supports(device(), &op), BK_UNSUPPORTED);
    op = nn_desc(BK_OP_ADAMW, BK_BF16);
    EXPECT_EQ(be()->supports(device(), &op), BK_UNSUPPORTED);
    EXPECT_NE(std::string(be()->last_error()).find("f32 only"), std::string::npos) << be()->last_error();
}

TEST(OpenclNn, RopeKeepsAccuracyAtLargePositions) {
    BKOCL_REQUIRE_DEVICE();
    // Position ~100k: in f32, pos * f_0 alone would be off by ~0.004 rad.
    const int64_t batch = 2, seq = 3, heads = 3, hd = 10, pos = 99991;
    const double theta = 500000;
    const size_t n = size_t(batch * seq * heads * hd);
    const auto x = random_vector<float>(n, 9);
    bk_device* d = device();
    Stream s(d);
    Buffer bx(d, n * 4), by(d, n * 4);
    ASSERT_EQ(bx.upload(x), BK_OK);
    ASSERT_EQ(by.fill(kPoison), BK_OK);
    for (int inverse : {0, 1}) {
        bk_op_desc op = nn_desc(BK_OP_ROPE, BK_F32);
        auto& r = op.u.nn;
        r.rows = batch * seq, r.dim = heads * hd, r.heads = heads, r.head_dim = hd, r.seq = seq;
        r.pos_offset = pos, r.theta = theta, r.inverse = inverse;
        bk_buffer* ops[2] = {bx.get(), by.get()};
        ASSERT_EQ(be()->launch(s.s, &op, ops, 2), BK_OK) << be()->last_error();
        ASSERT_EQ(be()->stream_sync(s.s), BK_OK);
        const auto y = by.download<float>(n);
        std::vector<double> want(n);
        for (int64_t row = 0; row < batch * seq; ++row)
            for (int64_t h = 0; h < heads; ++h)
                for (int64_t i = 0; i < hd / 2; ++i) {
                    const double ang = double(pos + row % seq) * std::pow(theta, -2.0 * double(i) / double(hd)) *
                                       (inverse ? -1 : 1);
                    const size_t a = size_t(row * heads * hd + h * hd + i), b = a + size_t(hd / 2);
                    want[a] = x[a] * std::cos(ang) - x[b] * std::sin(ang);
                    want[b] = x[b] * std::cos(ang) + x[a] * std::sin(ang);
                }
        EXPECT_LE(rel_error(y, want), 3e-5) << "inverse=" << inverse;
    }
}

TEST(OpenclNn, RowwiseOpsOnRowsLongerThanAWorkGroup) {
    BKOCL_REQUIRE_DEVICE();
    const int64_t rows = 5, dim = 1031;
    const size_t n = size_t(rows * dim);
    const auto x = random_vector<float>(n, 4, -6, 6), w = random_vector<float>(size_t(dim), 5, 0.5, 1.5);
    bk_device* d = device();
    Stream s(d);
    Buffer bx(d, n * 4), bw(d, size_t(dim) * 4), by(d, n * 4);
    ASSERT_EQ(bx.upload(x), BK_OK);
    ASSERT_EQ(bw.upload(w), BK_OK);
    // rmsnorm
    bk_op_desc op = nn_desc(BK_OP_RMSNORM, BK_F32);
    op.u.nn.rows = rows, op.u.nn.dim = dim, op.u.nn.eps = 1e-5;
    bk_buffer* ops3[3] = {bx.get(), bw.get(), by.get()};
    ASSERT_EQ(be()->launch(s.s, &op, ops3, 3), BK_OK) << be()->last_error();
    ASSERT_EQ(be()->stream_sync(s.s), BK_OK);
    std::vector<double> want(n);
    for (int64_t r = 0; r < rows; ++r) {
        double ss = 0;
        for (int64_t j = 0; j < dim; ++j) ss += double(x[size_t(r * dim + j)]) * x[size_t(r * dim + j)];
        const double inv = 1 / std::sqrt(ss / double(dim) + 1e-5);
        for (int64_t j = 0; j < dim; ++j) want[size_t(r * dim + j)] = x[size_t(r * dim + j)] * inv * w[size_t(j)];
    }
    EXPECT_LE(rel_error(by.download<float>(n), want), 3e-5) << "rmsnorm";
    // softmax
    op = nn_desc(BK_OP_SOFTMAX, BK_F32);
    op.u.nn.rows = rows, op.u.nn.dim = dim;
    bk_buffer* ops2[2] = {bx.get(), by.get()};
    ASSERT_EQ(be()->launch(s.s, &op, ops2, 2), BK_OK) << be()->last_error();
    ASSERT_EQ(be()->stream_sync(s.s), BK_OK);
    for (int64_t r = 0; r < rows; ++r) {
        double mx = -INFINITY, sum = 0;
        for (int64_t j = 0; j < dim; ++j) mx = std::max(mx, double(x[size_t(r * dim + j)]));
        for (int64_t j = 0; j < dim; ++j) sum += std::exp(x[size_t(r * dim + j)] - mx);
        for (int64_t j = 0; j < dim; ++j) want[size_t(r * dim + j)] = std::exp(x[size_t(r * dim + j)] - mx) / sum;
    }
    EXPECT_LE(rel_error(by.download<float>(n), want), 3e-5) << "softmax";
}

TEST(OpenclNn, ConvertNarrowsToBf16ToNearestEven) {
    BKOCL_REQUIRE_DEVICE();
    // Ties both ways, NaN, infinities and ordinary values.
    std::vector<float> x = {1.0f, 0.0f, -0.0f, std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::quiet_NaN(), 3.0e38f};
    const uint32_t ties[] = {0x3F808000u, 0x3F818000u, 0xBF808000u, 0x3F808001u, 0x3F807FFFu};
    for (uint32_t t : ties) {
        float f;
        std::memcpy(&f, &t, 4);
        x.push_back(f);
    }
    const auto more = random_vector<float>(57, 12, -1e4, 1e4);
    x.insert(x.end(), more.begin(), more.end());
    bk_device* d = device();
    Stream s(d);
    Buffer bx(d, x.size() * 4), by(d, x.size() * 2 + 64);
    ASSERT_EQ(bx.upload(x), BK_OK);
    ASSERT_EQ(by.fill(kPoison), BK_OK);
    bk_op_desc op = nn_desc(BK_OP_CONVERT, BK_F32);
    op.dtype_c = BK_BF16;
    op.u.nn.rows = 1, op.u.nn.dim = int64_t(x.size());
    bk_buffer* ops[2] = {bx.get(), by.get()};
    ASSERT_EQ(be()->launch(s.s, &op, ops, 2), BK_OK) << be()->last_error();
    ASSERT_EQ(be()->stream_sync(s.s), BK_OK);
    const auto y = by.download<uint16_t>(x.size() + 2);
    for (size_t i = 0; i < x.size(); ++i) {
        if (std::isnan(x[i])) {
            EXPECT_TRUE(std::isnan(from_bf16(y[i]))) << i;
            continue;
        }
        EXPECT_EQ(y[i], to_bf16(x[i])) << "element " << i << " = " << x[i];
    }
    EXPECT_EQ(y[x.size()], 0x7FC0) << "written past the output";
}

TEST(OpenclNn, OutOfRangeIdsAreRefusedBeforeAnythingIsWritten) {
    BKOCL_REQUIRE_DEVICE();
    const int64_t vocab = 11, dim = 9, rows = 4;
    const auto table = random_vector<float>(size_t(vocab * dim), 6);
    bk_device* d = device();
    Stream s(d);
    Buffer bt(d, table.size() * 4), bids(d, size_t(rows) * 4), by(d, size_t(rows * dim) * 4);
    ASSERT_EQ(bt.upload(table), BK_OK);
    for (const std::vector<int32_t>& ids : {std::vector<int32_t>{3, 0, 10, 11}, std::vector<int32_t>{-1, 2, 2, 2}}) {
        ASSERT_EQ(bids.upload(ids), BK_OK);
        ASSERT_EQ(by.fill(kPoison), BK_OK);
        bk_op_desc op = nn_desc(BK_OP_EMBEDDING, BK_F32);
        op.u.nn.rows = rows, op.u.nn.dim = dim, op.u.nn.vocab = vocab;
        bk_buffer* ops[3] = {bt.get(), bids.get(), by.get()};
        EXPECT_EQ(be()->launch(s.s, &op, ops, 3), BK_INVALID_ARGUMENT);
        EXPECT_NE(std::string(be()->last_error()).find("outside [0, 11)"), std::string::npos) << be()->last_error();
        ASSERT_EQ(be()->stream_sync(s.s), BK_OK);
        for (float v : by.download<float>(size_t(rows * dim))) {
            uint32_t w;
            std::memcpy(&w, &v, 4);
            ASSERT_EQ(w, kPoison) << "the output was written";
        }
    }
    // In range: the rows arrive, in order.
    const std::vector<int32_t> ids = {10, 0, 3, 10};
    ASSERT_EQ(bids.upload(ids), BK_OK);
    bk_op_desc op = nn_desc(BK_OP_EMBEDDING, BK_F32);
    op.u.nn.rows = rows, op.u.nn.dim = dim, op.u.nn.vocab = vocab;
    bk_buffer* ops[3] = {bt.get(), bids.get(), by.get()};
    ASSERT_EQ(be()->launch(s.s, &op, ops, 3), BK_OK) << be()->last_error();
    ASSERT_EQ(be()->stream_sync(s.s), BK_OK);
    const auto y = by.download<float>(size_t(rows * dim));
    for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < dim; ++j)
            EXPECT_TRUE(same_bits(y[size_t(r * dim + j)], table[size_t(ids[size_t(r)] * dim + j)])) << r << "," << j;
}
