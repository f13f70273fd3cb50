// The CPU backend's NN ops with fp16 storage: CONVERT to and from fp16 at the
// rounding edges (f64 -> f16 rounded once, where going through f32 would
// round twice), and every forward op equal, bit for bit, to the f32 op on the
// same fp16-representable inputs with its output rounded once to fp16.
#include "bakeoff/nn_op_rules.h"
#include "cpu/f16_reference.h"
#include "cpu_backend.h"
#include "common/op_desc.h"
#include "nn/cpu_session.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<unsigned char>;

struct Cpu : CpuSession {
    // Uploads the operands, launches, and returns every operand as it is after.
    std::vector<Bytes> run(const bk_op_desc& op, const std::vector<Bytes>& in) {
        std::vector<bk_buffer*> bufs;
        for (const Bytes& b : in) {
            bk_buffer* x = nullptr;
            t->buffer_alloc(dev, b.size(), &x);
            t->buffer_upload(x, 0, b.data(), b.size());
            bufs.push_back(x);
        }
        const bk_status st = t->launch(s, &op, bufs.data(), static_cast<uint32_t>(bufs.size()));
        EXPECT_EQ(st, BK_OK) << t->last_error();
        t->stream_sync(s);
        std::vector<Bytes> out;
        for (std::size_t i = 0; i < bufs.size(); ++i) {
            out.emplace_back(in[i].size());
            t->buffer_download(bufs[i], 0, out.back().data(), out.back().size());
            t->buffer_free(bufs[i]);
        }
        return out;
    }
};

bk_op_desc desc(uint32_t kind, uint32_t dtype) { return bktest::op_desc(kind, dtype); }

template <class T>
Bytes bytes_of(const std::vector<T>& v) {
    Bytes b(v.size() * sizeof(T));
    std::memcpy(b.data(), v.data(), b.size());
    return b;
}
template <class T>
std::vector<T> values_of(const Bytes& b) {
    std::vector<T> v(b.size() / sizeof(T));
    std::memcpy(v.data(), b.data(), b.size());
    return v;
}

// One CONVERT of `in` (type from) to type to, as raw output bytes.
template <class In>
Bytes convert(Cpu& c, uint32_t from, uint32_t to, const std::vector<In>& in) {
    bk_op_desc op = desc(BK_OP_CONVERT, from);
    op.dtype_c = to;
    op.u.nn.rows = 1;
    op.u.nn.dim = static_cast<int64_t>(in.size());
    const std::size_t out_bytes = in.size() * (to == BK_F64 ? 8 : to == BK_F32 ? 4 : 2);
    return c.run(op, {bytes_of(in), Bytes(out_bytes, 0xFF)})[1];
}

TEST(CpuNnF16, ConvertF32ToF16RoundsToNearestEven) {
    Cpu c;
    const std::vector<float> in = {
        1.0f + 0x1p-11f,             // tie: to even, 1
        1.0f + 0x1p-11f + 0x1p-23f,  // just past the tie: up
        1.0f + 3 * 0x1p-11f,         // tie with an odd lower neighbour: up
        65504.0f,                    // largest finite
        65519.996f,                  // just below the tie with 2^16: stays finite
        65520.0f,                    // the tie: even is 2^16, out of range: inf
        -65520.0f,
        0x1p-24f,                    // smallest subnormal
        0x1p-25f,                    // half of it: to even, zero
        0x1p-25f + 0x1p-40f,         // just past: the smallest subnormal
        3 * 0x1p-25f,                // 1.5 units: to even, 2
        0x1p-14f - 0x1p-25f,         // 1023.5 units: to even, the smallest normal
        -0.0f,
        __builtin_nanf(""),
        -__builtin_nanf(""),
    };
    const std::vector<uint16_t> want = {0x3C00, 0x3C01, 0x3C02, 0x7BFF, 0x7BFF, 0x7C00, 0xFC00, 0x0001,
                                        0x0000, 0x0001, 0x0002, 0x0400, 0x8000, 0x7E00, 0xFE00};
    const auto got = values_of<uint16_t>(convert(c, BK_F32, BK_F16, in));
    ASSERT_EQ(got.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i)
        EXPECT_EQ(got[i], want[i]) << "element " << i << " (" << std::hexfloat << in[i] << ")";
}

TEST(CpuNnF16, ConvertF64ToF16RoundsOnce) {
    Cpu c;
    const std::vector<double> in = {
        1.0 + 0x1p-11 + 0x1p-40,     // just past the tie: up
        -(1.0 + 0x1p-11 + 0x1p-40),
        0x1p-25 + 0x1p-60,           // just past half the smallest subnormal: up
        65520.0 - 0x1p-30,           // just below the overflow tie: the largest finite
        1.0 + 0x1p-11,               // the tie itself: to even
        1e300,
        std::nan(""),
    };
    const std::vector<uint16_t> once = {0x3C01, 0xBC01, 0x0001, 0x7BFF, 0x3C00, 0x7C00};
    const auto got = values_of<uint16_t>(convert(c, BK_F64, BK_F16, in));
    for (std::size_t i = 0; i < once.size(); ++i) {
        EXPECT_EQ(got[i], once[i]) << "element " << i << " (" << std::hexfloat << in[i] << ")";
        EXPECT_EQ(f16_ref::round(in[i]), once[i]) << "reference, element " << i;
    }
    EXPECT_TRUE(f16_ref::is_nan(got[6])) << std::hex << got[6];
    // Through f32 first, the first four land exactly on a tie (or past the
    // overflow threshold) and round a second time, the wrong way.
    const auto f32 = values_of<float>(convert(c, BK_F64, BK_F32, in));
    const auto twice = values_of<uint16_t>(convert(c, BK_F32, BK_F16, f32));
    const std::vector<uint16_t> double_rounded = {0x3C00, 0xBC00, 0x0000, 0x7C00};
    for (std::size_t i = 0; i < double_rounded.size(); ++i) {
        EXPECT_EQ(twice[i], double_rounded[i]) << "element " << i;
        EXPECT_NE(twice[i], got[i]) << "element " << i;
    }
}

TEST(CpuNnF16, ConvertBetweenF16AndTheOtherTypes) {
    Cpu c;
    // f16 -> f32 and f64: exact, subnormals and infinities included.
    const std::vector<uint16_t> h = {0x3C01, 0x0001, 0x03FF, 0xFC00, 0x7BFF, 0x8000};
    const std::vector<double> exact = {1.0 + 0x1p-10, 0x1p-24, 1023 * 0x1p-24, -HUGE_VAL, 65504.0, -0.0};
    const auto as_f32 = values_of<float>(convert(c, BK_F16, BK_F32, h));
    const auto as_f64 = values_of<double>(convert(c, BK_F16, BK_F64, h));
    for (std::size_t i = 0; i < h.size(); ++i) {
        EXPECT_EQ(as_f32[i], static_cast<float>(exact[i])) << i;
        EXPECT_EQ(as_f64[i], exact[i]) << i;
        EXPECT_EQ(std::signbit(as_f64[i]), std::signbit(exact[i])) << i;
    }
    // f16 -> bf16 (8 significant bits): 1 + 2^-8 ties to 1, 1 + 3 * 2^-8 ties
    // up, 1 + 2^-8 + 2^-10 is past the tie, 65504 rounds up to 2^16.
    const std::vector<uint16_t> to_bf = {0x3C04, 0x3C0C, 0x3C05, 0x7BFF, 0x0001};
    const std::vector<uint16_t> bf_want = {0x3F80, 0x3F82, 0x3F81, 0x4780, 0x3380};
    EXPECT_EQ(values_of<uint16_t>(convert(c, BK_F16, BK_BF16, to_bf)), bf_want);
    // bf16 -> f16: exact in range; 2^20 overflows, 2^-31 underflows, and the
    // subnormal ties 1.5 and 0.5 units go to even.
    const std::vector<uint16_t> from_bf = {0x3F81, 0x4980, 0x3000, 0x3380, 0x33C0, 0x3300, 0x3310};
    const std::vector<uint16_t> f16_want = {0x3C08, 0x7C00, 0x0000, 0x0001, 0x0002, 0x0000, 0x0001};
    EXPECT_EQ(values_of<uint16_t>(convert(c, BK_BF16, BK_F16, from_bf)), f16_want);
}

// ---------------------------------------------------------------------------
// Forward ops: f16 equals the f32 op rounded once.

enum class Role { act_in, act_out, act_inout, ids, distinct_ids, freq, weights };

struct OpCase {
    bk_op_desc op;
    std::vector<Role> roles;  // one per operand, in the ABI's order
    std::string name;
};

// Runs the op in f16 and in f32 on the same fp16 values and compares every
// element of the outputs: f16 bits == the f32 result rounded once.
void expect_f16_is_f32_rounded_once(const OpCase& oc, unsigned seed) {
    Cpu c;
    bk_op_desc o16 = oc.op, o32 = oc.op;
    o16.dtype_a = o16.dtype_b = o16.dtype_c = BK_F16;
    o32.dtype_a = o32.dtype_b = o32.dtype_c = BK_F32;
    std::vector<bk_nn_rules::Operand> sizes;
    ASSERT_EQ(bk_nn_rules::check(o16, &sizes), "") << oc.name;
    ASSERT_EQ(sizes.size(), oc.roles.size()) << oc.name;
    ASSERT_EQ(c.t->supports(c.dev, &o16), BK_OK) << oc.name << ": " << c.t->last_error();

    std::mt19937 gen(seed);
    std::uniform_real_distribution<double> val(-2.0, 2.0);
    const bk_nn_op& n = oc.op.u.nn;
    std::vector<Bytes> in16, in32;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        const Role r = oc.roles[i];
        if (r == Role::act_in || r == Role::act_out || r == Role::act_inout) {
            std::vector<uint16_t> h(sizes[i].bytes / 2);
            for (auto& x : h) x = r == Role::act_out ? uint16_t(0x7E00) : f16_ref::round(val(gen));
            std::vector<float> f(h.size());
            for (std::size_t j = 0; j < h.size(); ++j) f[j] = f16_ref::to_float(h[j]);
            if (oc.op.kind == BK_OP_ATTENTION && (i == 1 || i == 2)) {
                // Cache slots past seq_kv hold NaN: reading one would show.
                const bk_attention_op& a = oc.op.u.attn;
                for (int64_t b = 0; b < a.batch; ++b)
                    for (int64_t s = a.seq_kv; s < a.kv_capacity; ++s)
                        for (int64_t d = 0; d < a.kv_heads * a.head_dim; ++d) {
                            const std::size_t at = std::size_t((b * a.kv_capacity + s) * a.kv_heads * a.head_dim + d);
                            h[at] = 0x7E00;
                            f[at] = NAN;
                        }
            }
            in16.push_back(bytes_of(h));
            in32.push_back(bytes_of(f));
        } else if (r == Role::ids || r == Role::distinct_ids) {
            std::vector<int32_t> ids(sizes[i].bytes / 4);
            for (std::size_t j = 0; j < ids.size(); ++j)
                ids[j] = r == Role::ids ? int32_t(gen() % uint32_t(n.vocab))
                                        : int32_t((j * 7 + 3) % std::size_t(n.vocab));  // vocab prime to 7
            in16.push_back(bytes_of(ids));
            in32.push_back(in16.back());
        } else if (r == Role::freq) {
            std::vector<double> f(sizes[i].bytes / 8);
            for (std::size_t j = 0; j < f.size(); ++j)
                f[j] = std::pow(10000.0, -2.0 * double(j) / double(n.head_dim)) * (0.25 + 0.75 * (gen() % 1000) / 1000.0);
            in16.push_back(bytes_of(f));
            in32.push_back(in16.back());
        } else {
            std::vector<float> w(sizes[i].bytes / 4);
            for (auto& x : w) x = float(0.25 + 1.75 * (gen() % 1000) / 1000.0);
            in16.push_back(bytes_of(w));
            in32.push_back(in16.back());
        }
    }
    const auto out16 = c.run(o16, in16);
    const auto out32 = c.run(o32, in32);
    int bad = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        const Role r = oc.roles[i];
        if (r != Role::act_out && r != Role::act_inout) {
            EXPECT_EQ(out16[i], in16[i]) << oc.name << ": input " << sizes[i].name << " changed";
            continue;
        }
        const auto got = values_of<uint16_t>(out16[i]);
        const auto ref = values_of<float>(out32[i]);
        ASSERT_EQ(got.size(), ref.size());
        for (std::size_t j = 0; j < got.size(); ++j) {
            const uint16_t want = f16_ref::round(ref[j]);
            if (got[j] != want && bad++ < 5)
                ADD_FAILURE() << oc.name << ": " << sizes[i].name << "[" << j << "] = 0x" << std::hex << got[j]
                              << ", the f32 op rounded once gives 0x" << want << std::dec << " (" << ref[j] << ")";
        }
    }
}

// Big enough (rows x dim above 2^15) for the team to split the work.
OpCase rowwise(uint32_t kind, std::vector<Role> roles, const char* name) {
    OpCase oc{desc(kind, BK_F16), std::move(roles), name};
    oc.op.u.nn.rows = 9;
    oc.op.u.nn.dim = 4099;
    oc.op.u.nn.eps = 1e-5;
    return oc;
}

OpCase rope(uint32_t kind, std::vector<Role> roles, const char* name) {
    OpCase oc{desc(kind, BK_F16), std::move(roles), name};
    bk_nn_op& n = oc.op.u.nn;
    n.seq = 37, n.rows = 2 * 37, n.heads = 6, n.head_dim = 66, n.dim = 6 * 66, n.pos_offset = 1000, n.theta = 1e4;
    return oc;
}

TEST(CpuNnF16, RowwiseOpsEqualTheF32OpRoundedOnce) {
    using R = Role;
    expect_f16_is_f32_rounded_once(rowwise(BK_OP_RMSNORM, {R::act_in, R::act_in, R::act_out}, "rmsnorm"), 1);
    expect_f16_is_f32_rounded_once(rowwise(BK_OP_SOFTMAX, {R::act_in, R::act_out}, "softmax"), 2);
    expect_f16_is_f32_rounded_once(rowwise(BK_OP_SWIGLU, {R::act_in, R::act_in, R::act_out}, "swiglu"), 3);
    expect_f16_is_f32_rounded_once(rope(BK_OP_ROPE, {R::act_in, R::act_out}, "rope"), 4);
    expect_f16_is_f32_rounded_once(rope(BK_OP_ROPE_FREQ, {R::act_in, R::freq, R::act_out}, "rope_freq"), 5);
}

TEST(CpuNnF16, EmbeddingKvWriteAndScatterAddEqualTheF32OpRoundedOnce) {
    using R = Role;
    OpCase emb{desc(BK_OP_EMBEDDING, BK_F16), {R::act_in, R::ids, R::act_out}, "embedding"};
    emb.op.u.nn.rows = 33, emb.op.u.nn.dim = 1027, emb.op.u.nn.vocab = 50;
    expect_f16_is_f32_rounded_once(emb, 6);

    OpCase kv{desc(BK_OP_KV_WRITE, BK_F16), {R::act_in, R::act_inout}, "kv_write"};
    kv.op.u.nn.seq = 5, kv.op.u.nn.rows = 3 * 5, kv.op.u.nn.dim = 2 * 129, kv.op.u.nn.capacity = 40,
    kv.op.u.nn.pos_offset = 17;
    expect_f16_is_f32_rounded_once(kv, 7);

    // Distinct ids: each row of y gets one addition, so one rounding.
    OpCase sc{desc(BK_OP_SCATTER_ADD, BK_F16), {R::act_in, R::distinct_ids, R::weights, R::act_inout}, "scatter_add"};
    sc.op.u.nn.rows = 40, sc.op.u.nn.dim = 1031, sc.op.u.nn.vocab = 41;
    expect_f16_is_f32_rounded_once(sc, 8);
}

TEST(CpuNnF16, AttentionEqualsTheF32OpRoundedOnce) {
    using R = Role;
    // Grouped-query heads, a cache larger than seq_kv, more keys than one
    // block of 64, odd head_dim; causal and not, prefill and one decode query.
    struct Shape {
        int64_t batch, heads, kv_heads, seq_q, seq_kv, capacity, head_dim;
        int causal;
    };
    const Shape shapes[] = {{2, 4, 2, 19, 70, 80, 17, 1}, {1, 6, 3, 5, 130, 131, 64, 0}, {3, 8, 1, 1, 99, 128, 32, 1}};
    unsigned seed = 9;
    for (const Shape& s : shapes) {
        OpCase oc{desc(BK_OP_ATTENTION, BK_F16), {R::act_in, R::act_in, R::act_in, R::act_out}, "attention"};
        bk_attention_op& a = oc.op.u.attn;
        a.batch = s.batch, a.heads = s.heads, a.kv_heads = s.kv_heads, a.seq_q = s.seq_q, a.seq_kv = s.seq_kv;
        a.kv_capacity = s.capacity, a.head_dim = s.head_dim, a.causal = s.causal;
        a.scale = 1.0 / std::sqrt(double(s.head_dim));
        oc.name += " seq_q=" + std::to_string(s.seq_q) + " seq_kv=" + std::to_string(s.seq_kv);
        expect_f16_is_f32_rounded_once(oc, seed++);
    }
}

TEST(CpuNnF16, OpInfoSaysF16StorageF32Math) {
    Cpu c;
    bk_op_desc op = desc(BK_OP_RMSNORM, BK_F16);
    op.u.nn.rows = 4, op.u.nn.dim = 8;
    char text[512];
    ASSERT_EQ(c.t->op_info(c.dev, &op, text, sizeof text), BK_OK) << c.t->last_error();
    EXPECT_NE(std::string(text).find("f16 storage, f32 math"), std::string::npos) << text;
}

}  // namespace
