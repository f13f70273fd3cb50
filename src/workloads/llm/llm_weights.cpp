#include "workloads/llm/llm_weights.h"

#include "core/dtype.h"
#include "numeric/f16.h"
#include "numeric/rng.h"
#include "workloads/llm/llm_plan.h"

#include <bakeoff/plugin_dtype.h>
#include <bakeoff/plugin_quant.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <exception>
#include <stdexcept>

namespace bakeoff::llm {

namespace {

std::uint64_t mix(std::uint64_t a, std::uint64_t b) {
    SplitMix64 g(a ^ (b + 0x9E3779B97F4A7C15ull + (a << 6) + (a >> 2)));
    return g.next();
}

class RandomWeights final : public WeightSource {
public:
    RandomWeights(const LlmConfig& c, bk_dtype wt, std::uint64_t seed) : WeightSource(c, wt), seed_(seed) {}
    void rows(std::size_t index, std::int64_t r0, std::int64_t r1, float* out) const override {
        const std::int64_t n = row_length(tensors_.at(index));
#pragma omp parallel for schedule(static) if ((r1 - r0) * n > 65536)
        for (std::int64_t r = r0; r < r1; ++r) {
            float* row = out + (r - r0) * n;
            generate(index, r, row);
            round_row(index, row, n);
        }
    }
    // Block types: quantized from the generated values themselves (rows()
    // dequantizes the same blocks), never from dequantized ones.
    void raw_rows(std::size_t index, std::int64_t r0, std::int64_t r1, void* out) const override {
        const bk_dtype f = format(index);
        if (!bk_is_block_type(f)) return WeightSource::raw_rows(index, r0, r1, out);
        const std::int64_t n = row_length(tensors_.at(index));
        const std::uint64_t row_bytes = format_row_bytes(f, n);
#pragma omp parallel for schedule(static) if ((r1 - r0) * n > 65536)
        for (std::int64_t r = r0; r < r1; ++r) {
            std::vector<float> row(static_cast<std::size_t>(n));
            generate(index, r, row.data());
            bk_quantize_row(f, row.data(), static_cast<std::uint8_t*>(out) + std::uint64_t(r - r0) * row_bytes, n);
        }
    }
    std::string describe() const override { return "random (seeded)"; }

private:
    void generate(std::size_t index, std::int64_t r, float* row) const {
        const TensorInfo& t = tensors_.at(index);
        const std::int64_t n = row_length(t);
        const double a = 0.02 * std::sqrt(3.0);
        const SplitMix64 g(mix(mix(seed_, index), std::uint64_t(r)));
        const bool bias = t.kind == TensorKind::bq || t.kind == TensorKind::bk || t.kind == TensorKind::bv;
        const double scale = bias ? 0.1 : t.is_norm() ? 0.1 : a, offset = t.is_norm() && !bias ? 1.0 : 0.0;
        for (std::int64_t j = 0; j < n; ++j) row[j] = float(offset + scale * (2 * g.uniform_at(std::uint64_t(j)) - 1));
    }
    std::uint64_t seed_;
};

}  // namespace

bk_dtype storage_dtype(const TensorInfo& t, bk_dtype weight_dtype) { return t.is_norm() ? BK_F32 : weight_dtype; }

WeightSource::WeightSource(LlmConfig c, bk_dtype wt) : config_(std::move(c)), weight_dtype_(wt), tensors_(model_tensors(config_)) {}

void round_to_storage(bk_dtype t, float* v, std::int64_t n) {
    switch (t) {
        case BK_F32: return;
        case BK_BF16:
            for (std::int64_t j = 0; j < n; ++j) v[j] = bf16_to_float(float_to_bf16(v[j]));
            return;
        case BK_F16:
            for (std::int64_t j = 0; j < n; ++j) v[j] = f16_to_float(float_to_f16(v[j]));
            return;
        default:
            if (bk_is_block_type(t)) {
                std::vector<std::uint8_t> blocks(format_row_bytes(t, n));
                if (blocks.empty() && n > 0)
                    throw std::invalid_argument(fmt::format("llm: {} values are not whole {} blocks", n, dtype_name(t)));
                bk_quantize_row(t, v, blocks.data(), n);
                bk_dequantize_row(t, blocks.data(), v, n);
                return;
            }
            throw std::invalid_argument(fmt::format("llm: no {} storage ({} are)", dtype_name(t), kWeightDtypes));
    }
}

std::uint64_t format_row_bytes(bk_dtype t, std::int64_t n) {
    if (n < 0) return 0;
    if (bk_is_block_type(t)) return bk_block_row_bytes(t, n);
    return std::uint64_t(n) * bk_dtype_size(t);
}

bk_dtype WeightSource::format(std::size_t index) const { return storage_dtype(tensors_.at(index), weight_dtype_); }

void WeightSource::raw_rows(std::size_t index, std::int64_t r0, std::int64_t r1, void* out) const {
    const TensorInfo& t = tensors_.at(index);
    const std::int64_t n = row_length(t);
    const bk_dtype f = format(index);
    const std::uint64_t row_bytes = format_row_bytes(f, n);
    if (row_bytes == 0 && n > 0)
        throw std::invalid_argument(fmt::format("llm: tensor '{}': {} rows of {} cannot be stored", t.hf_name, dtype_name(f), n));
    auto* bytes = static_cast<std::uint8_t*>(out);
    // Chunks of rows, one per thread: rows() may generate (random weights) or
    // dequantize, both worth spreading.
    const std::int64_t chunk = std::max<std::int64_t>(1, 16384 / std::max<std::int64_t>(n, 1));
    // A source's error (a value outside f16's range) must leave the parallel
    // region as an exception, not terminate the process: the first is kept.
    std::exception_ptr error;
#pragma omp parallel for schedule(static) if ((r1 - r0) * n > 65536)
    for (std::int64_t c0 = r0; c0 < r1; c0 += chunk) {
        const std::int64_t c1 = std::min(r1, c0 + chunk);
        std::vector<float> v(static_cast<std::size_t>((c1 - c0) * n));
        try {
            rows(index, c0, c1, v.data());
        } catch (...) {
#pragma omp critical(llm_raw_rows_error)
            if (!error) error = std::current_exception();
            continue;
        }
        for (std::int64_t r = c0; r < c1; ++r) {
            const float* row = v.data() + (r - c0) * n;
            std::uint8_t* dst = bytes + std::uint64_t(r - r0) * row_bytes;
            if (bk_is_block_type(f)) {
                bk_quantize_row(f, row, dst, n);
            } else if (f == BK_F32) {
                std::memcpy(dst, row, row_bytes);
            } else {
                std::vector<std::uint16_t> h(static_cast<std::size_t>(n));
                to_16bit(f, row, h.data(), n);
                std::memcpy(dst, h.data(), row_bytes);
            }
        }
    }
    if (error) std::rethrow_exception(error);
}

namespace {

// A source's tensors as the device holds them: the same values rounded to a
// 16-bit type, or exactly as floats, where the device has no kernel for the
// stored format (a block type dequantized at load).
class LoadedWeights final : public WeightSource {
public:
    LoadedWeights(std::unique_ptr<WeightSource> in, bk_dtype main, std::vector<bk_dtype> formats)
        : WeightSource(in->config(), main), in_(std::move(in)), formats_(std::move(formats)) {
        for (std::size_t i = 0; i < formats_.size(); ++i)
            if (formats_[i] != in_->format(i) && bk_is_block_type(formats_[i]))
                throw std::invalid_argument(fmt::format("llm: tensor '{}' is {}; it is not requantized to {}",
                                                        tensors_[i].hf_name, dtype_name(in_->format(i)), dtype_name(formats_[i])));
    }
    void rows(std::size_t index, std::int64_t r0, std::int64_t r1, float* out) const override {
        in_->rows(index, r0, r1, out);
        const bk_dtype f = formats_.at(index);
        if (f != in_->format(index) && f != BK_F32) round_to_storage(f, out, (r1 - r0) * row_length(tensors_[index]));
    }
    bk_dtype format(std::size_t index) const override { return formats_.at(index); }
    void raw_rows(std::size_t index, std::int64_t r0, std::int64_t r1, void* out) const override {
        if (formats_.at(index) == in_->format(index)) return in_->raw_rows(index, r0, r1, out);
        WeightSource::raw_rows(index, r0, r1, out);
    }
    std::string describe() const override { return in_->describe(); }

private:
    std::unique_ptr<WeightSource> in_;
    std::vector<bk_dtype> formats_;
};

}  // namespace

std::unique_ptr<WeightSource> loaded_weights(std::unique_ptr<WeightSource> w, bk_dtype main,
                                             std::vector<bk_dtype> formats) {
    if (formats.size() != w->tensors().size())
        throw std::invalid_argument(fmt::format("llm: {} formats for {} tensors", formats.size(), w->tensors().size()));
    return std::make_unique<LoadedWeights>(std::move(w), main, std::move(formats));
}

void to_16bit(bk_dtype t, const float* v, std::uint16_t* out, std::int64_t n) {
    if (t == BK_BF16) {
        for (std::int64_t j = 0; j < n; ++j) out[j] = float_to_bf16(v[j]);
    } else if (t == BK_F16) {
        for (std::int64_t j = 0; j < n; ++j) out[j] = float_to_f16(v[j]);
    } else {
        throw std::invalid_argument(fmt::format("llm: {} is not a 16-bit float type", dtype_name(t)));
    }
}

void WeightSource::round_row(std::size_t index, float* row, std::int64_t n) const {
    round_to_storage(storage_dtype(tensors_[index], weight_dtype_), row, n);
}

std::vector<double> WeightSource::tensor_f64(std::size_t index) const {
    const TensorInfo& t = tensors_.at(index);
    std::vector<float> f(std::size_t(t.elements()));
    rows(index, 0, row_count(t), f.data());
    return {f.begin(), f.end()};
}

std::unique_ptr<WeightSource> random_weights(const LlmConfig& c, bk_dtype wt, std::uint64_t seed) {
    return std::make_unique<RandomWeights>(c, wt, seed);
}

std::vector<std::int32_t> random_tokens(std::int64_t count, std::int64_t vocab, std::uint64_t seed) {
    std::vector<std::int32_t> ids(static_cast<std::size_t>(count));
    SplitMix64 g(mix(seed, 0x70CE5ull));
    for (auto& id : ids) id = std::int32_t(g.next() % std::uint64_t(vocab));
    return ids;
}

void cache_row(std::uint64_t seed, std::int64_t layer, int k_or_v, std::int64_t b, std::int64_t p, std::int64_t kv_dim,
               float* out) {
    SplitMix64 g(mix(mix(mix(mix(seed, 0xCAC4Eull + std::uint64_t(layer)), std::uint64_t(k_or_v)), std::uint64_t(b)),
                     std::uint64_t(p)));
    for (std::int64_t j = 0; j < kv_dim; ++j) out[j] = float(2 * g.uniform() - 1);
}

}  // namespace bakeoff::llm
