#include "workloads/llm/llm_plan.h"

#include "core/dtype.h"
#include "workloads/llm/llm_weights.h"
#include "workloads/op_desc.h"

#include <bakeoff/plugin_quant.h>

#include <fmt/format.h>

#include <algorithm>
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
    Builder(const LlmConfig& c, const ModelTypes& t, bk_path path) : c_(c), t_(t), path_(path) {}
    std::vector<Step> steps;

    void add(const bk_op_desc& d, std::vector<Operand> ops) { steps.push_back({d, std::move(ops)}); }
    static Operand A(Act a) { return {Operand::act, int(a)}; }
    static Operand W(int t) { return {Operand::weight, t}; }

    // out[rows, n] = in[rows, k] W^T (+ bias) (W [n, k]). in is f32; a 16-bit W
    // takes in converted to its type (in_lowp), converted once for the GEMMs
    // that share it until in is written again (written()).
    void linear(Act in, Act in_lowp, int w, Act out, std::int64_t rows, std::int64_t n, std::int64_t k, int bias = -1) {
        const bk_dtype f = t_.tensor.at(std::size_t(w));
        const bool lowp = is_16bit_float(f);
        if (lowp && converted_ != in) {
            add(nn(BK_OP_CONVERT, BK_F32, rows, k, f), {A(in), A(in_lowp)});
            converted_ = in;
        }
        if (bias >= 0) {  // out's rows start as the bias; the GEMM adds to them
            bk_op_desc g = nn(BK_OP_EMBEDDING, BK_F32, rows, n, BK_F32);
            g.u.nn.vocab = 1;
            add(g, {W(bias), A(Act::zeros), A(out)});
        }
        bk_op_desc d = nnop::gemm(path_, lowp ? f : BK_F32, BK_F32, rows, n, k, false, true, bias >= 0 ? 1.0 : 0.0);
        if (is_block_type(f)) {
            d.dtype_b = f;
            d.u.gemm.block_abi = BK_BLOCK_ABI_VERSION;
        }
        add(d, {A(lowp ? in_lowp : in), W(w), A(out)});
    }
    // in_lowp already holds `a` converted (attention writes its 16-bit output
    // directly).
    void converted(Act a) { converted_ = a; }
    // `a` holds new values: its converted copy is stale.
    void written(Act a) {
        if (converted_ == a) converted_ = Act::count;
    }
    void residual_add(Act x, Act t, Act out, std::int64_t n) {
        add(nnop::add(n), {A(x), A(t), A(out)});
        written(out);
    }
    void rmsnorm(Act x, int w, Act y, std::int64_t rows) {
        add(nnop::rmsnorm(BK_OP_RMSNORM, rows, c_.dim, c_.norm_eps), {A(x), W(w), A(y)});
        written(y);
    }

private:
    const LlmConfig& c_;
    const ModelTypes& t_;
    bk_path path_;
    Act converted_ = Act::count;  // the f32 activation whose converted copy is current
};

}  // namespace

bool is_block_type(bk_dtype t) { return bk_is_block_type(t) != 0; }

ModelTypes ModelTypes::uniform(const LlmConfig& c, bk_dtype wt) {
    std::vector<bk_dtype> t;
    for (const auto& info : model_tensors(c)) t.push_back(info.is_norm() ? BK_F32 : wt);
    return of(c, wt, std::move(t));
}

ModelTypes ModelTypes::of(const LlmConfig& c, bk_dtype main, std::vector<bk_dtype> tensor) {
    if (!runs_weight_dtype(main))
        throw std::invalid_argument(fmt::format("llm: {} weights are not run ({} are)", dtype_name(main), kWeightDtypes));
    const auto infos = model_tensors(c);
    if (tensor.size() != infos.size())
        throw std::invalid_argument(fmt::format("llm: {} tensor formats for {} tensors", tensor.size(), infos.size()));
    ModelTypes m;
    m.main = main;
    m.kv = kv_cache_dtype(main);
    for (std::size_t i = 0; i < infos.size(); ++i) {
        const bk_dtype f = tensor[i];
        if (infos[i].is_norm() && f != BK_F32)
            throw std::invalid_argument(fmt::format("llm: vector '{}' held as {}, not fp32", infos[i].hf_name, dtype_name(f)));
        if (!runs_weight_dtype(f))
            throw std::invalid_argument(
                fmt::format("llm: tensor '{}' in {}: not run ({} are)", infos[i].hf_name, dtype_name(f), kWeightDtypes));
        if (is_16bit_float(f) && m.lowp != BK_F32 && m.lowp != f)
            throw std::invalid_argument(fmt::format("llm: the model mixes {} and {} matrices; load it as one of them",
                                                    dtype_name(m.lowp), dtype_name(f)));
        if (is_16bit_float(f)) m.lowp = f;
    }
    m.tensor = std::move(tensor);
    return m;
}

std::uint64_t ModelTypes::weight_bytes(const LlmConfig& c) const {
    std::uint64_t total = 0;
    const auto infos = model_tensors(c);
    for (std::size_t i = 0; i < infos.size(); ++i)
        total += std::uint64_t(row_count(infos[i])) * format_row_bytes(tensor.at(i), row_length(infos[i]));
    return total;
}

namespace {

// One forward, dense (paged == nullptr: [batch, seq] rows at pos over
// per-sequence caches) or paged (the serving forward).
std::vector<Step> plan(const LlmConfig& c, const ModelTypes& types, bk_path gemm_path, const ForwardShape& s,
                       const PagedShape* paged) {
    Builder b(c, types, gemm_path);
    using B = Builder;
    const std::int64_t T = paged ? paged->tokens : s.batch * s.seq;
    const int layers = s.layers < 0 ? int(c.layers) : s.layers;
    const auto tensors = model_tensors(c);
    auto index_of = [&](TensorKind k, int layer) {
        for (std::size_t i = 0; i < tensors.size(); ++i)
            if (tensors[i].kind == k && tensors[i].layer == layer) return int(i);
        return -1;
    };

    // Embedding: a row gather from the table, in the table's type (a block
    // table dequantizes as it gathers).
    {
        const bk_dtype et = types.tensor.at(std::size_t(index_of(TensorKind::embed, -1)));
        bk_op_desc d = nn(BK_OP_EMBEDDING, et, T, c.dim, is_block_type(et) ? BK_F32 : et);
        d.u.nn.vocab = c.vocab;
        if (!is_16bit_float(et)) {
            b.add(d, {B::W(index_of(TensorKind::embed, -1)), B::A(Act::ids), B::A(Act::x0)});
        } else {
            b.add(d, {B::W(index_of(TensorKind::embed, -1)), B::A(Act::ids), B::A(Act::emb_rows)});
            b.add(nn(BK_OP_CONVERT, et, T, c.dim, BK_F32), {B::A(Act::emb_rows), B::A(Act::x0)});
        }
    }
    auto bias = [&](TensorKind k, int l) { return c.qkv_bias ? index_of(k, l) : -1; };
    for (int l = 0; l < layers; ++l) {
        b.rmsnorm(Act::x0, index_of(TensorKind::attn_norm, l), Act::h, T);
        b.linear(Act::h, Act::hb, index_of(TensorKind::wq, l), Act::q, T, c.q_dim(), c.dim, bias(TensorKind::bq, l));
        b.linear(Act::h, Act::hb, index_of(TensorKind::wk, l), Act::k, T, c.kv_dim(), c.dim, bias(TensorKind::bk, l));
        b.linear(Act::h, Act::hb, index_of(TensorKind::wv, l), Act::v, T, c.kv_dim(), c.dim, bias(TensorKind::bv, l));
        const bool scaled = c.rescales_rope();
        for (auto [in, out, heads] : {std::tuple{Act::q, Act::qr, c.heads}, std::tuple{Act::k, Act::kr, c.kv_heads}}) {
            // Packed rows each have their own position (the frequencies are
            // then always given: rope_frequencies covers plain theta too).
            const std::uint32_t kind = paged ? BK_OP_ROPE_POS : scaled ? BK_OP_ROPE_FREQ : BK_OP_ROPE;
            bk_op_desc d = nn(bk_op_kind(kind), BK_F32, T, heads * c.head_dim, BK_F32);
            d.u.nn.heads = heads;
            d.u.nn.head_dim = c.head_dim;
            d.u.nn.seq = paged ? 1 : s.seq;
            d.u.nn.pos_offset = paged ? 0 : s.pos;
            d.u.nn.theta = c.rope_theta;
            if (paged)
                b.add(d, {B::A(in), Operand{Operand::rope_freq, 0}, B::A(Act::pos), B::A(out)});
            else if (scaled)
                b.add(d, {B::A(in), Operand{Operand::rope_freq, 0}, B::A(out)});
            else
                b.add(d, {B::A(in), B::A(out)});
        }
        // The cache's type: 16-bit models convert q, k and v once here.
        const bk_dtype kvt = types.kv;
        const bool lowp = is_16bit_float(kvt);
        const Act qa = lowp ? Act::qrb : Act::qr, ka = lowp ? Act::krb : Act::kr, va = lowp ? Act::vb : Act::v;
        if (lowp) {
            b.add(nn(BK_OP_CONVERT, BK_F32, T, c.q_dim(), kvt), {B::A(Act::qr), B::A(qa)});
            b.add(nn(BK_OP_CONVERT, BK_F32, T, c.kv_dim(), kvt), {B::A(Act::kr), B::A(ka)});
            b.add(nn(BK_OP_CONVERT, BK_F32, T, c.kv_dim(), kvt), {B::A(Act::v), B::A(va)});
        }
        for (auto [in, kind] : {std::pair{ka, Operand::kcache}, std::pair{va, Operand::vcache}}) {
            if (paged) {
                bk_op_desc d = nn(BK_OP_PAGED_KV_WRITE, kvt, T, c.kv_dim(), kvt);
                d.u.nn.capacity = paged->num_blocks * paged->block_size;
                b.add(d, {B::A(in), B::A(Act::slot), Operand{kind, l}});
                continue;
            }
            bk_op_desc d = nn(BK_OP_KV_WRITE, kvt, T, c.kv_dim(), kvt);
            d.u.nn.seq = s.seq;
            d.u.nn.capacity = s.capacity;
            d.u.nn.pos_offset = s.pos;
            b.add(d, {B::A(in), Operand{kind, l}});
        }
        if (paged) {
            bk_op_desc d = nnop::blank(BK_OP_PAGED_ATTENTION, nnop::kNnPath, kvt, kvt, kvt);
            auto& a = d.u.paged;
            a.seqs = paged->seqs;
            a.tokens = T;
            a.heads = c.heads;
            a.kv_heads = c.kv_heads;
            a.head_dim = c.head_dim;
            a.block_size = paged->block_size;
            a.num_blocks = paged->num_blocks;
            a.max_blocks = paged->max_blocks;
            a.causal = 1;
            a.scale = 1.0 / std::sqrt(double(c.head_dim));
            b.add(d, {B::A(qa), Operand{Operand::kcache, l}, Operand{Operand::vcache, l}, B::A(Act::q_start),
                      B::A(Act::kv_len), B::A(Act::block_table), B::A(lowp ? Act::aob : Act::ao)});
        } else {
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
            // 16-bit: the output is the o GEMM's input when wo has the cache's
            // type; otherwise it is converted to f32 for it.
            b.add(d, {B::A(qa), Operand{Operand::kcache, l}, Operand{Operand::vcache, l},
                      B::A(lowp ? Act::aob : Act::ao)});
        }
        const int wo = index_of(TensorKind::wo, l);
        if (lowp && types.tensor.at(std::size_t(wo)) == kvt) {
            b.converted(Act::ao);  // attention wrote aob, ao's 16-bit copy
            b.linear(Act::ao, Act::aob, wo, Act::t, T, c.dim, c.q_dim());
        } else {
            if (lowp) b.add(nn(BK_OP_CONVERT, kvt, T, c.q_dim(), BK_F32), {B::A(Act::aob), B::A(Act::ao)});
            b.written(Act::ao);
            b.linear(Act::ao, Act::hb, wo, Act::t, T, c.dim, c.q_dim());
        }
        b.residual_add(Act::x0, Act::t, Act::x1, T * c.dim);
        b.rmsnorm(Act::x1, index_of(TensorKind::ffn_norm, l), Act::h, T);
        b.linear(Act::h, Act::hb, index_of(TensorKind::wgate, l), Act::g, T, c.ffn, c.dim);
        b.linear(Act::h, Act::hb, index_of(TensorKind::wup, l), Act::u, T, c.ffn, c.dim);
        b.add(nn(BK_OP_SWIGLU, BK_F32, T, c.ffn, BK_F32), {B::A(Act::g), B::A(Act::u), B::A(Act::s)});
        b.written(Act::s);
        b.linear(Act::s, Act::sb, index_of(TensorKind::wdown, l), Act::t, T, c.dim, c.ffn);
        b.residual_add(Act::x1, Act::t, Act::x0, T * c.dim);
    }
    if (!s.head) return std::move(b.steps);
    Act last = Act::x0;
    const std::int64_t seqs = paged ? paged->seqs : s.batch;
    const std::int64_t head_rows = s.all_logits ? T : seqs;
    if ((paged || s.seq > 1) && !s.all_logits) {  // only the last position's logits are needed
        bk_op_desc d = nn(BK_OP_EMBEDDING, BK_F32, seqs, c.dim, BK_F32);
        d.u.nn.vocab = T;
        b.add(d, {B::A(Act::x0), B::A(Act::last_ids), B::A(Act::xl)});
        last = Act::xl;
    }
    b.rmsnorm(last, index_of(TensorKind::final_norm, -1), Act::hl, head_rows);
    const int head = c.tied ? index_of(TensorKind::embed, -1) : index_of(TensorKind::lm_head, -1);
    b.linear(Act::hl, Act::hlb, head, Act::logits, head_rows, c.vocab, c.dim);
    return std::move(b.steps);
}

}  // namespace

std::vector<Step> plan_forward(const LlmConfig& c, const ModelTypes& types, bk_path gemm_path, const ForwardShape& s) {
    return plan(c, types, gemm_path, s, nullptr);
}

std::vector<Step> plan_paged_forward(const LlmConfig& c, const ModelTypes& types, bk_path gemm_path,
                                     const PagedShape& p) {
    if (p.tokens < 1 || p.seqs < 1 || p.seqs > p.tokens)
        throw std::invalid_argument(fmt::format("llm: a paged forward of {} rows in {} sequences", p.tokens, p.seqs));
    return plan(c, types, gemm_path, ForwardShape{}, &p);
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

std::uint64_t act_bytes(const LlmConfig& c, const ModelTypes& types, Act a, std::int64_t batch, std::int64_t T,
                        std::int64_t max_logit_rows, std::int64_t max_blocks) {
    const std::uint64_t f = 4, t = std::uint64_t(T), hr = std::uint64_t(std::max(batch, max_logit_rows));
    const std::uint64_t dim = std::uint64_t(c.dim), qd = std::uint64_t(c.q_dim()), kvd = std::uint64_t(c.kv_dim());
    // 16-bit copies: of GEMM inputs (lowp), of the cache's rows (kv).
    const std::uint64_t lw = is_16bit_float(types.lowp) ? 2 : 0, kw = is_16bit_float(types.kv) ? 2 : 0;
    const bk_dtype et = types.tensor.empty() ? BK_F32 : types.tensor.front();  // model_tensors starts with the embedding
    switch (a) {
        case Act::ids:
        case Act::zeros: return 4 * t;
        case Act::last_ids: return 4 * std::uint64_t(batch);
        case Act::emb_rows: return is_16bit_float(et) ? 2 * t * dim : 0;
        case Act::x0:
        case Act::x1:
        case Act::h:
        case Act::t: return f * t * dim;
        case Act::hb: return lw * t * std::max(dim, qd);
        case Act::q:
        case Act::qr: return f * t * qd;
        case Act::ao: return f * t * qd;
        case Act::qrb:
        case Act::aob: return kw * t * qd;
        case Act::k:
        case Act::v:
        case Act::kr: return f * t * kvd;
        case Act::krb:
        case Act::vb: return kw * t * kvd;
        case Act::g:
        case Act::u:
        case Act::s: return f * t * std::uint64_t(c.ffn);
        case Act::sb: return lw * t * std::uint64_t(c.ffn);
        case Act::xl: return f * std::uint64_t(batch) * dim;
        case Act::hl: return f * hr * dim;
        case Act::hlb: return lw * hr * dim;
        case Act::logits: return f * hr * std::uint64_t(c.vocab);
        case Act::pos:
        case Act::slot: return max_blocks ? 4 * t : 0;
        case Act::q_start: return max_blocks ? 4 * (std::uint64_t(batch) + 1) : 0;
        case Act::kv_len: return max_blocks ? 4 * std::uint64_t(batch) : 0;
        case Act::block_table: return 4 * std::uint64_t(batch) * std::uint64_t(max_blocks);
        case Act::count: return 0;
    }
    return 0;
}

}  // namespace bakeoff::llm
