#include "workloads/llm/llm_plan.h"

#include "core/dtype.h"
#include "workloads/op_desc.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>
#include <tuple>
#include <utility>

namespace bakeoff::llm {

namespace {

// The descriptors come from workloads/op_desc.h, as moe's and train.step's do.
using nnop::nn;

class Builder {
public:
    Builder(const LlmConfig& c, bk_dtype wt, bk_path path) : c_(c), wt_(wt), path_(path) {}
    std::vector<Step> steps;

    void add(const bk_op_desc& d, std::vector<Operand> ops) { steps.push_back({d, std::move(ops)}); }
    static Operand A(Act a) { return {Operand::act, int(a)}; }
    static Operand W(int t) { return {Operand::weight, t}; }

    // out[rows, n] = in[rows, k] W^T (W [n, k]); in is f32, converted first for 16-bit weights.
    void linear(Act in, Act in_lowp, int w, Act out, std::int64_t rows, std::int64_t n, std::int64_t k,
                bool convert = true) {
        if (is_16bit_float(wt_) && convert) add(nn(BK_OP_CONVERT, BK_F32, rows, k, wt_), {A(in), A(in_lowp)});
        const bk_op_desc d = nnop::gemm(path_, wt_, BK_F32, rows, n, k, false, true);
        add(d, {A(is_16bit_float(wt_) ? in_lowp : in), W(w), A(out)});
    }
    void residual_add(Act x, Act t, Act out, std::int64_t n) {
        add(nnop::add(n), {A(x), A(t), A(out)});
    }
    void rmsnorm(Act x, int w, Act y, std::int64_t rows) {
        add(nnop::rmsnorm(BK_OP_RMSNORM, rows, c_.dim, c_.norm_eps), {A(x), W(w), A(y)});
    }

private:
    const LlmConfig& c_;
    bk_dtype wt_;
    bk_path path_;
};

}  // namespace

std::vector<Step> plan_forward(const LlmConfig& c, bk_dtype wt, bk_path gemm_path, const ForwardShape& s) {
    if (!runs_weight_dtype(wt))
        throw std::invalid_argument(fmt::format("llm: {} weights are not run ({} are)", dtype_name(wt), kWeightDtypes));
    Builder b(c, wt, gemm_path);
    using B = Builder;
    const std::int64_t T = s.batch * s.seq;
    const int layers = s.layers < 0 ? int(c.layers) : s.layers;
    const auto tensors = model_tensors(c);
    auto index_of = [&](TensorKind k, int layer) {
        for (std::size_t i = 0; i < tensors.size(); ++i)
            if (tensors[i].kind == k && tensors[i].layer == layer) return int(i);
        return -1;
    };

    // Embedding: a row gather from the table, in the table's type.
    {
        bk_op_desc d = nn(BK_OP_EMBEDDING, wt, T, c.dim, wt);
        d.u.nn.vocab = c.vocab;
        if (!is_16bit_float(wt)) {
            b.add(d, {B::W(index_of(TensorKind::embed, -1)), B::A(Act::ids), B::A(Act::x0)});
        } else {
            b.add(d, {B::W(index_of(TensorKind::embed, -1)), B::A(Act::ids), B::A(Act::emb_rows)});
            b.add(nn(BK_OP_CONVERT, wt, T, c.dim, BK_F32), {B::A(Act::emb_rows), B::A(Act::x0)});
        }
    }
    for (int l = 0; l < layers; ++l) {
        b.rmsnorm(Act::x0, index_of(TensorKind::attn_norm, l), Act::h, T);
        b.linear(Act::h, Act::hb, index_of(TensorKind::wq, l), Act::q, T, c.q_dim(), c.dim);
        b.linear(Act::h, Act::hb, index_of(TensorKind::wk, l), Act::k, T, c.kv_dim(), c.dim, false);
        b.linear(Act::h, Act::hb, index_of(TensorKind::wv, l), Act::v, T, c.kv_dim(), c.dim, false);
        const bool scaled = c.rescales_rope();
        for (auto [in, out, heads] : {std::tuple{Act::q, Act::qr, c.heads}, std::tuple{Act::k, Act::kr, c.kv_heads}}) {
            bk_op_desc d = nn(scaled ? BK_OP_ROPE_FREQ : BK_OP_ROPE, BK_F32, T, heads * c.head_dim, BK_F32);
            d.u.nn.heads = heads;
            d.u.nn.head_dim = c.head_dim;
            d.u.nn.seq = s.seq;
            d.u.nn.pos_offset = s.pos;
            d.u.nn.theta = c.rope_theta;
            if (scaled)
                b.add(d, {B::A(in), Operand{Operand::rope_freq, 0}, B::A(out)});
            else
                b.add(d, {B::A(in), B::A(out)});
        }
        // The cache's type: 16-bit models convert q, k and v once here.
        const bk_dtype kvt = kv_cache_dtype(wt);
        const bool lowp = is_16bit_float(kvt);
        const Act qa = lowp ? Act::qrb : Act::qr, ka = lowp ? Act::krb : Act::kr, va = lowp ? Act::vb : Act::v;
        if (lowp) {
            b.add(nn(BK_OP_CONVERT, BK_F32, T, c.q_dim(), kvt), {B::A(Act::qr), B::A(qa)});
            b.add(nn(BK_OP_CONVERT, BK_F32, T, c.kv_dim(), kvt), {B::A(Act::kr), B::A(ka)});
            b.add(nn(BK_OP_CONVERT, BK_F32, T, c.kv_dim(), kvt), {B::A(Act::v), B::A(va)});
        }
        for (auto [in, kind] : {std::pair{ka, Operand::kcache}, std::pair{va, Operand::vcache}}) {
            bk_op_desc d = nn(BK_OP_KV_WRITE, kvt, T, c.kv_dim(), kvt);
            d.u.nn.seq = s.seq;
            d.u.nn.capacity = s.capacity;
            d.u.nn.pos_offset = s.pos;
            b.add(d, {B::A(in), Operand{kind, l}});
        }
        {
            bk_op_desc d = nnop::blank(BK_OP_ATTENTION, nnop::kNnPath, kvt, kvt, kvt);
            auto& a = d.u.attn;
            a.batch = s.batch;
            a.heads = c.heads;
            a.kv_heads = c.kv_heads;
            a.seq_q = s.seq;
            a.seq_kv = s.pos + s.seq;
            a.kv_capacity = s.capacity;
            a.head_dim = c.head_dim;
            a.causal = 1;
            a.scale = 1.0 / std::sqrt(double(c.head_dim));
            // 16-bit: the output is the o GEMM's input (no convert after).
            b.add(d, {B::A(qa), Operand{Operand::kcache, l}, Operand{Operand::vcache, l},
                      B::A(lowp ? Act::aob : Act::ao)});
        }
        b.linear(Act::ao, Act::aob, index_of(TensorKind::wo, l), Act::t, T, c.dim, c.q_dim(), false);
        b.residual_add(Act::x0, Act::t, Act::x1, T * c.dim);
        b.rmsnorm(Act::x1, index_of(TensorKind::ffn_norm, l), Act::h, T);
        b.linear(Act::h, Act::hb, index_of(TensorKind::wgate, l), Act::g, T, c.ffn, c.dim);
        b.linear(Act::h, Act::hb, index_of(TensorKind::wup, l), Act::u, T, c.ffn, c.dim, false);
        b.add(nn(BK_OP_SWIGLU, BK_F32, T, c.ffn, BK_F32), {B::A(Act::g), B::A(Act::u), B::A(Act::s)});
        b.linear(Act::s, Act::sb, index_of(TensorKind::wdown, l), Act::t, T, c.dim, c.ffn);
        b.residual_add(Act::x1, Act::t, Act::x0, T * c.dim);
    }
    if (!s.head) return std::move(b.steps);
    Act last = Act::x0;
    if (s.seq > 1) {  // only the last position's logits are needed
        bk_op_desc d = nn(BK_OP_EMBEDDING, BK_F32, s.batch, c.dim, BK_F32);
        d.u.nn.vocab = T;
        b.add(d, {B::A(Act::x0), B::A(Act::last_ids), B::A(Act::xl)});
        last = Act::xl;
    }
    b.rmsnorm(last, index_of(TensorKind::final_norm, -1), Act::hl, s.batch);
    const int head = c.tied ? index_of(TensorKind::embed, -1) : index_of(TensorKind::lm_head, -1);
    b.linear(Act::hl, Act::hlb, head, Act::logits, s.batch, c.vocab, c.dim);
    return std::move(b.steps);
}

std::vector<bk_op_desc> distinct_ops(const std::vector<Step>& steps) {
    std::vector<bk_op_desc> out;
    for (const auto& s : steps) {
        bool seen = false;
        for (const auto& o : out) seen = seen || std::memcmp(&o, &s.op, sizeof o) == 0;
        if (!seen) out.push_back(s.op);
    }
    return out;
}

std::uint64_t act_bytes(const LlmConfig& c, bk_dtype wt, Act a, std::int64_t batch, std::int64_t T) {
    const std::uint64_t f = 4, w = dtype_size(wt), t = std::uint64_t(T), bt = std::uint64_t(batch);
    const bool lowp = is_16bit_float(wt);
    switch (a) {
        case Act::ids: return 4 * t;
        case Act::last_ids: return 4 * bt;
        case Act::emb_rows: return lowp ? w * t * std::uint64_t(c.dim) : 0;
        case Act::x0:
        case Act::x1:
        case Act::h:
        case Act::t: return f * t * std::uint64_t(c.dim);
        case Act::hb: return lowp ? w * t * std::uint64_t(c.dim) : 0;
        case Act::q:
        case Act::qr: return f * t * std::uint64_t(c.q_dim());
        case Act::ao: return lowp ? 0 : f * t * std::uint64_t(c.q_dim());
        case Act::qrb:
        case Act::aob: return lowp ? w * t * std::uint64_t(c.q_dim()) : 0;
        case Act::k:
        case Act::v:
        case Act::kr: return f * t * std::uint64_t(c.kv_dim());
        case Act::krb:
        case Act::vb: return lowp ? w * t * std::uint64_t(c.kv_dim()) : 0;
        case Act::g:
        case Act::u:
        case Act::s: return f * t * std::uint64_t(c.ffn);
        case Act::sb: return lowp ? w * t * std::uint64_t(c.ffn) : 0;
        case Act::xl:
        case Act::hl: return f * bt * std::uint64_t(c.dim);
        case Act::hlb: return lowp ? w * bt * std::uint64_t(c.dim) : 0;
        case Act::logits: return f * bt * std::uint64_t(c.vocab);
        case Act::count: return 0;
    }
    return 0;
}

}  // namespace bakeoff::llm
