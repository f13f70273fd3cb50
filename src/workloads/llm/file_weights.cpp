#include "workloads/llm/file_weights.h"

#include "core/dtype.h"
#include "numeric/f16.h"
#include "numeric/rng.h"

#include <bakeoff/plugin_quant.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>

namespace bakeoff::llm {

void decode_values(bk_dtype t, const unsigned char* p, float* out, std::int64_t n) {
    auto widen = [&](float (*to_float)(std::uint16_t)) {
        for (std::int64_t i = 0; i < n; ++i) {
            std::uint16_t h;
            std::memcpy(&h, p + 2 * i, 2);
            out[i] = to_float(h);
        }
    };
    switch (t) {
        case BK_F32: std::memcpy(out, p, std::size_t(n) * 4); return;
        case BK_F16: widen(f16_to_float); return;
        case BK_BF16: widen(bf16_to_float); return;
        case BK_F8_E4M3:
            for (std::int64_t i = 0; i < n; ++i) out[i] = f8_e4m3_to_float(p[i]);
            return;
        default:
            if (bk_dequantize_row(t, p, out, n) != 0)
                throw ModelError(fmt::format("llm: {} rows of {} cannot be decoded", dtype_name(t), n));
    }
}

void FileWeights::rows(std::size_t index, std::int64_t r0, std::int64_t r1, float* out) const {
    const TensorInfo& t = tensors_.at(index);
    const std::int64_t n = row_length(t);
    decode_rows(index, r0, r1, out);
    const bk_dtype to = storage_dtype(t, weight_dtype_);
    if (to == stored(index)) return;  // exact as it is: a block type is not quantized again
    if (to == BK_F16) {
        // A value f16 cannot hold would become inf on the device: refuse it, naming it.
        const std::int64_t count = (r1 - r0) * n;
        for (std::int64_t i = 0; i < count; ++i)
            if (std::isfinite(out[i]) && std::fabs(out[i]) >= 65520.0f)  // what rounds to at most 65504
                throw ModelError(fmt::format(
                    "{}: tensor '{}': element {} is {}, outside the fp16 range (|x| <= 65504); run it in bf16 or fp32",
                    file_of(index), name_of(index), r0 * n + i, out[i]));
    }
#pragma omp parallel for schedule(static) if ((r1 - r0) * n > 65536)
    for (std::int64_t r = r0; r < r1; ++r) round_row(index, out + (r - r0) * n, n);
}

bk_dtype FileWeights::format(std::size_t index) const { return tensors_.at(index).is_norm() ? BK_F32 : stored(index); }

void FileWeights::raw_rows(std::size_t index, std::int64_t r0, std::int64_t r1, void* out) const {
    if (format(index) == stored(index)) return copy_rows(index, r0, r1, out);
    // A norm or bias stored in 16 bits: widened exactly to its f32 format.
    decode_rows(index, r0, r1, static_cast<float*>(out));
}

std::vector<std::int64_t> expected_shape(const TensorInfo& t) {
    return t.is_norm() ? std::vector<std::int64_t>{t.rows} : std::vector<std::int64_t>{t.rows, t.cols};
}

std::string shape_str(const std::vector<std::int64_t>& s) {
    std::string o = "[";
    for (std::size_t i = 0; i < s.size(); ++i) o += (i ? ", " : "") + std::to_string(s[i]);
    return o + "]";
}

void check_shape(const std::string& path, const std::string& name, const std::vector<std::int64_t>* shape,
                 const TensorInfo& t) {
    if (!shape)
        throw ModelError(fmt::format("{}: tensor '{}' is missing (the config needs it, {})", path, name,
                                     shape_str(expected_shape(t))));
    if (*shape != expected_shape(t))
        throw ModelError(fmt::format("{}: tensor '{}' has shape {}, the config needs {}", path, name, shape_str(*shape),
                                     shape_str(expected_shape(t))));
}

void check_config(const LlmConfig& c, const std::string& path, const ConfigKeys& k) {
    // Far above any real model (Llama 3.1 405B: dim 16384, 126 layers, ffn
    // 53248, vocab 128256), low enough that no product of sizes overflows.
    const struct {
        const std::string& key;
        std::int64_t v, most;
    } sizes[] = {{k.dim, c.dim, 1 << 20},           {k.layers, c.layers, 1 << 12}, {k.heads, c.heads, 1 << 14},
                 {k.kv_heads, c.kv_heads, 1 << 14}, {k.head_dim, c.head_dim, 1 << 14}, {k.ffn, c.ffn, 1 << 22},
                 {k.vocab, c.vocab, 1 << 24}};
    for (const auto& s : sizes)
        if (s.v < 1 || s.v > s.most)
            throw ModelError(fmt::format("{}: key '{}': {} is outside [1, {}]", path, s.key, s.v, s.most));
    if (c.heads % c.kv_heads != 0)
        throw ModelError(fmt::format("{}: key '{}': {} KV heads do not divide the {} heads", path, k.kv_heads, c.kv_heads, c.heads));
    if (c.head_dim % 2 != 0)
        throw ModelError(fmt::format("{}: key '{}': head size {} is odd (rope rotates pairs)", path, k.head_dim, c.head_dim));
    if (!(c.norm_eps > 0) || !(c.rope_theta > 0) || !std::isfinite(c.rope_theta))
        throw ModelError(fmt::format("{}: rope theta {} and norm epsilon {} must be positive", path, c.rope_theta, c.norm_eps));
}

bk_dtype main_weight_type(const WeightSource& w) {
    std::map<bk_dtype, double> params;
    for (std::size_t i = 0; i < w.tensors().size(); ++i)
        if (!w.tensors()[i].is_norm()) params[w.format(i)] += double(w.tensors()[i].elements());
    bk_dtype best = BK_F32;
    double most = -1;
    for (const auto& [t, n] : params)
        if (n > most) {
            best = t;
            most = n;
        }
    return best;
}

}  // namespace bakeoff::llm
