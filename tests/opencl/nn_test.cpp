// Neural-network ops on the OpenCL device, launched directly through the ABI:
// bf16 narrowing at its ties, out-of-range ids (refused before anything is
// written), and op_info / unsupported reasons. The ops' results against the
// fp64 references (attention on odd shapes with both forward kernels, rope at
// large positions, rows longer than a work-group, every conformance case) run
// through the shared conformance definitions in nn_cases_test.cpp.
#include "common/serving_index_cases.h"
#include "opencl_plugin.h"

#include <cmath>
#include <limits>

using namespace bkocl;

namespace {

constexpr uint32_t kPoison = 0x7FC07FC0u;  // NaN in f32 and in both bf16 halves

bk_op_desc nn_desc(bk_op_kind kind, bk_dtype t) { return bktest::op_desc(kind, t); }

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

bk_attention_op attn(int64_t batch, int64_t heads, int64_t kv_heads, int64_t seq_q, int64_t seq_kv, int64_t cap,
                     int64_t head_dim, bool causal) {
    bk_attention_op a{};
    a.batch = batch, a.heads = heads, a.kv_heads = kv_heads, a.seq_q = seq_q, a.seq_kv = seq_kv;
    a.kv_capacity = cap, a.head_dim = head_dim, a.causal = causal ? 1 : 0;
    a.scale = 1.0 / std::sqrt(double(head_dim));
    return a;
}

}  // namespace

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

TEST(OpenclNn, ServingOpsRefuseBadIndicesBeforeAnythingIsWritten) {
    BKOCL_REQUIRE_DEVICE();
    Stream s(device());
    bktest::serving::paged_attention(be(), device(), s.s);
    bktest::serving::paged_kv_write(be(), device(), s.s);
    if (!bktest::serving::rope_pos(be(), device(), s.s)) {
        EXPECT_FALSE(has_fp64()) << "rope_pos is refused on a device with fp64";
    }
}
