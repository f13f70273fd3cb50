#include "workloads/llm/llm_model.h"

#include "core/dtype.h"
#include "numeric/rng.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace bakeoff::llm {

namespace {

std::uint64_t cache_bytes(const LlmConfig& c, bk_dtype kv, std::int64_t batch, std::int64_t capacity) {
    return dtype_size(kv) * std::uint64_t(batch) * std::uint64_t(capacity) * std::uint64_t(c.kv_dim());
}

// f32 values into a cache buffer of type t at element `offset` (16-bit types:
// rounded to nearest even, NaN kept; the host reference rounds the same way).
void upload_cache(Buffer& buf, bk_dtype t, const float* v, std::size_t n, std::uint64_t offset) {
    if (t == BK_F32) return buf.upload(v, n * 4, offset * 4);
    std::vector<std::uint16_t> h(n);
    to_16bit(t, v, h.data(), std::int64_t(n));
    buf.upload(h.data(), n * 2, offset * 2);
}

// Buffers the host writes before a forward (not poisoned: they are its input).
bool is_input(Act a) {
    switch (a) {
        case Act::ids:
        case Act::last_ids:
        case Act::zeros:
        case Act::pos:
        case Act::slot:
        case Act::q_start:
        case Act::kv_len:
        case Act::block_table: return true;
        default: return false;
    }
}

}  // namespace

std::uint64_t DeviceModel::device_bytes(const LlmConfig& c, const ModelTypes& types, std::int64_t batch,
                                        std::int64_t capacity, std::int64_t max_seq, std::int64_t max_logit_rows) {
    std::uint64_t total = types.weight_bytes(c);
    total += 2 * std::uint64_t(c.layers) * cache_bytes(c, types.kv, batch, capacity);
    if (c.rescales_rope()) total += 8 * std::uint64_t(c.head_dim / 2);
    const std::int64_t tokens = std::max(batch * max_seq, max_logit_rows);
    for (int a = 0; a < int(Act::count); ++a) total += act_bytes(c, types, Act(a), batch, tokens, max_logit_rows);
    return total;
}

DeviceModel::DeviceModel(Device& dev, const WeightSource& w, const ModelTypes& types, bk_path path, std::int64_t batch,
                         std::int64_t capacity, std::int64_t max_seq, std::int64_t max_logit_rows)
    : dev_(dev), c_(w.config()), types_(types), path_(path), batch_(batch), capacity_(capacity), max_seq_(max_seq),
      max_logit_rows_(max_logit_rows) {
    upload_weights(w);
    if (c_.rescales_rope()) {
        const std::vector<double> f = rope_frequencies(c_);
        rope_freq_ = std::make_unique<Buffer>(dev, f.size() * 8);
        rope_freq_->upload(f.data(), f.size() * 8);
    }
    for (std::int64_t l = 0; l < c_.layers; ++l) {
        kcache_.push_back(std::make_unique<Buffer>(dev, cache_bytes(c_, types_.kv, batch, capacity)));
        vcache_.push_back(std::make_unique<Buffer>(dev, cache_bytes(c_, types_.kv, batch, capacity)));
    }
    allocate_acts(batch, std::max(batch * max_seq, max_logit_rows), max_logit_rows, 0);
}

DeviceModel::DeviceModel(Device& dev, const WeightSource& w, const ModelTypes& types, bk_path path, const PagedPool& pool)
    : dev_(dev), c_(w.config()), types_(types), path_(path), batch_(pool.max_seqs),
      capacity_(pool.num_blocks * pool.block_size), max_seq_(pool.max_tokens), pool_(pool) {
    if (pool.max_blocks < 1 || pool.max_seqs < 1 || pool.max_tokens < pool.max_seqs || pool.block_size < 1 ||
        pool.num_blocks < 1)
        throw std::invalid_argument("llm: a paged pool needs max_tokens >= max_seqs >= 1 and at least one block");
    upload_weights(w);
    // Packed rows take each their position: the frequencies are always given.
    const std::vector<double> f = rope_frequencies(c_);
    rope_freq_ = std::make_unique<Buffer>(dev, f.size() * 8);
    rope_freq_->upload(f.data(), f.size() * 8);
    for (std::int64_t l = 0; l < c_.layers; ++l) {
        kcache_.push_back(std::make_unique<Buffer>(dev, cache_bytes(c_, types_.kv, 1, capacity_)));
        vcache_.push_back(std::make_unique<Buffer>(dev, cache_bytes(c_, types_.kv, 1, capacity_)));
        // Blocks no sequence has written hold NaN: a read of one shows.
        kcache_.back()->fill(0x7FF87FF8u);
        vcache_.back()->fill(0x7FF87FF8u);
    }
    allocate_acts(pool.max_seqs, pool.max_tokens, pool.max_seqs, pool.max_blocks);
}

std::uint64_t DeviceModel::device_bytes(const LlmConfig& c, const ModelTypes& types, const PagedPool& pool) {
    std::uint64_t total = types.weight_bytes(c) + 8 * std::uint64_t(c.head_dim / 2);
    total += 2 * std::uint64_t(c.layers) * cache_bytes(c, types.kv, 1, pool.num_blocks * pool.block_size);
    for (int a = 0; a < int(Act::count); ++a)
        total += act_bytes(c, types, Act(a), pool.max_seqs, pool.max_tokens, pool.max_seqs, pool.max_blocks);
    return total;
}

void DeviceModel::upload_weights(const WeightSource& w) {
    // Upload tensor by tensor in slices of rows, in the format the device
    // holds (w's raw rows), so the host never holds more than one slice.
    const auto& tensors = w.tensors();
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i < tensors.size(); ++i) {
        const TensorInfo& t = tensors[i];
        if (w.format(i) != types_.tensor.at(i))
            throw std::logic_error(fmt::format("llm: tensor '{}' is handed out in {}, the device holds {}", t.hf_name,
                                               dtype_name(w.format(i)), dtype_name(types_.tensor[i])));
        const std::int64_t rows = row_count(t), len = row_length(t);
        const std::uint64_t row_bytes = format_row_bytes(types_.tensor[i], len);
        weights_.push_back(std::make_unique<Buffer>(dev_, std::uint64_t(rows) * row_bytes));
        const std::int64_t slice = std::max<std::int64_t>(1, std::int64_t((std::uint64_t(1) << 24) / row_bytes));
        for (std::int64_t r0 = 0; r0 < rows; r0 += slice) {
            const std::int64_t r1 = std::min(rows, r0 + slice);
            bytes.resize(std::size_t(std::uint64_t(r1 - r0) * row_bytes));
            w.raw_rows(i, r0, r1, bytes.data());
            weights_.back()->upload(bytes.data(), bytes.size(), std::uint64_t(r0) * row_bytes);
        }
    }
}

void DeviceModel::allocate_acts(std::int64_t batch, std::int64_t tokens, std::int64_t max_logit_rows,
                                std::int64_t max_blocks) {
    for (int a = 0; a < int(Act::count); ++a) {
        const std::uint64_t n = act_bytes(c_, types_, Act(a), batch, tokens, max_logit_rows, max_blocks);
        if (n) acts_[std::size_t(a)] = std::make_unique<Buffer>(dev_, n);
    }
    const std::vector<std::int32_t> zeros(std::size_t(tokens), 0);
    acts_[std::size_t(Act::zeros)]->upload(zeros.data(), zeros.size() * 4);
}

void DeviceModel::set_paged_step(const PagedStep& st) {
    const auto T = std::int64_t(st.ids.size()), S = std::int64_t(st.kv_len.size());
    if (pool_.max_blocks == 0) throw std::logic_error("llm: set_paged_step on a dense model");
    if (T < 1 || T > pool_.max_tokens || S < 1 || S > pool_.max_seqs || std::int64_t(st.pos.size()) != T ||
        std::int64_t(st.slot.size()) != T || std::int64_t(st.q_start.size()) != S + 1 ||
        std::int64_t(st.block_table.size()) != S * pool_.max_blocks)
        throw std::invalid_argument(fmt::format("llm: a paged step of {} rows in {} sequences does not fit the pool "
                                                "({} rows, {} sequences)",
                                                T, S, pool_.max_tokens, pool_.max_seqs));
    auto put = [&](Act a, const std::vector<std::int32_t>& v) {
        acts_[std::size_t(a)]->upload(v.data(), v.size() * 4);
    };
    put(Act::ids, st.ids);
    put(Act::pos, st.pos);
    put(Act::slot, st.slot);
    put(Act::q_start, st.q_start);
    put(Act::kv_len, st.kv_len);
    put(Act::block_table, st.block_table);
    std::vector<std::int32_t> last(static_cast<std::size_t>(S));
    for (std::int64_t s = 0; s < S; ++s) last[std::size_t(s)] = std::max(st.q_start[std::size_t(s + 1)] - 1, 0);
    put(Act::last_ids, last);
}

std::vector<Step> DeviceModel::plan_paged(std::int64_t tokens, std::int64_t seqs) const {
    return plan_paged_forward(c_, types_, path_,
                              {tokens, seqs, pool_.block_size, pool_.num_blocks, pool_.max_blocks});
}

void DeviceModel::fill_cache(std::uint64_t seed, std::int64_t depth) {
    if (depth > capacity_) throw std::invalid_argument(fmt::format("cache depth {} exceeds capacity {}", depth, capacity_));
    const std::int64_t kvd = c_.kv_dim();
    std::vector<float> rows(std::size_t(capacity_ * kvd));
    for (std::int64_t l = 0; l < c_.layers; ++l)
        for (int kv = 0; kv < 2; ++kv)
            for (std::int64_t b = 0; b < batch_; ++b) {
#pragma omp parallel for schedule(static) if (depth * kvd > 65536)
                for (std::int64_t p = 0; p < depth; ++p) cache_row(seed, l, kv, b, p, kvd, rows.data() + p * kvd);
                // Positions past the context hold NaN: an op reading beyond seq_kv shows.
                std::fill(rows.begin() + depth * kvd, rows.end(), std::numeric_limits<float>::quiet_NaN());
                Buffer& buf = kv == 0 ? *kcache_[std::size_t(l)] : *vcache_[std::size_t(l)];
                upload_cache(buf, types_.kv, rows.data(), rows.size(), std::uint64_t(b * capacity_ * kvd));
            }
}

void DeviceModel::set_tokens(const std::vector<std::int32_t>& ids, std::int64_t seq) {
    const std::int64_t rows = std::int64_t(ids.size());
    if ((rows != batch_ * seq || seq > max_seq_) && !(rows == seq && seq <= max_logit_rows_))
        throw std::invalid_argument(fmt::format("{} token ids for batch {} x seq {} (at most {})", ids.size(), batch_, seq, max_seq_));
    acts_[std::size_t(Act::ids)]->upload(ids.data(), ids.size() * 4);
    std::vector<std::int32_t> last(static_cast<std::size_t>(batch_));
    for (std::int64_t b = 0; b < batch_; ++b) last[std::size_t(b)] = std::int32_t(b * seq + seq - 1);
    acts_[std::size_t(Act::last_ids)]->upload(last.data(), last.size() * 4);
}

std::vector<Step> DeviceModel::plan(std::int64_t seq, std::int64_t pos, int layers, bool head) const {
    return plan_forward(c_, types_, path_, {batch_, seq, pos, capacity_, layers, head});
}

std::vector<Step> DeviceModel::plan_all_logits(std::int64_t seq, std::int64_t pos) const {
    if (seq > std::max(max_logit_rows_, max_seq_) || pos + seq > capacity_)
        throw std::invalid_argument(fmt::format("a forward of {} rows at {} does not fit this model's buffers", seq, pos));
    return plan_forward(c_, types_, path_, {1, seq, pos, capacity_, -1, true, true});
}

Buffer* DeviceModel::resolve(const Operand& o) {
    switch (o.kind) {
        case Operand::act: return acts_.at(std::size_t(o.index)).get();
        case Operand::weight: return weights_.at(std::size_t(o.index)).get();
        case Operand::kcache: return kcache_.at(std::size_t(o.index)).get();
        case Operand::vcache: return vcache_.at(std::size_t(o.index)).get();
        case Operand::rope_freq: return rope_freq_.get();
    }
    return nullptr;
}

void DeviceModel::launch(Stream& s, const std::vector<Step>& steps) {
    std::vector<Buffer*> ops;
    for (const auto& st : steps) {
        ops.clear();
        for (const auto& o : st.operands) {
            Buffer* b = resolve(o);
            if (!b) throw std::logic_error(fmt::format("llm plan: operand of {} has no buffer", bk_op_name(st.op.kind)));
            ops.push_back(b);
        }
        s.launch(st.op, ops);
    }
}

void DeviceModel::poison_logits() {
    acts_[std::size_t(Act::logits)]->fill(0x7FF87FF8u);
}

void DeviceModel::poison(std::int64_t seq, std::int64_t pos) {
    for (int a = 0; a < int(Act::count); ++a)
        if (acts_[std::size_t(a)] && !is_input(Act(a)))
            acts_[std::size_t(a)]->fill(0x7FF87FF8u);
    const std::int64_t kvd = c_.kv_dim();
    if (pos == 0 && seq == capacity_) {
        for (auto& b : kcache_) b->fill(0x7FF87FF8u);
        for (auto& b : vcache_) b->fill(0x7FF87FF8u);
        return;
    }
    const std::vector<float> nan(std::size_t(seq * kvd), std::numeric_limits<float>::quiet_NaN());
    for (std::int64_t l = 0; l < c_.layers; ++l)
        for (std::int64_t b = 0; b < batch_; ++b) {
            const std::uint64_t offset = std::uint64_t((b * capacity_ + pos) * kvd);
            upload_cache(*kcache_[std::size_t(l)], types_.kv, nan.data(), nan.size(), offset);
            upload_cache(*vcache_[std::size_t(l)], types_.kv, nan.data(), nan.size(), offset);
        }
}

std::vector<float> DeviceModel::download(Act a, std::int64_t elements) const {
    std::vector<float> out(static_cast<std::size_t>(elements));
    acts_.at(std::size_t(a))->download(out.data(), out.size() * 4);
    return out;
}

}  // namespace bakeoff::llm
