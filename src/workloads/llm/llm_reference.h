// A plain fp64 host forward of the decoder of llm_plan.h, composed from the
// nnref:: references and fp64 matrix products, on exactly the weights the
// device holds (rounded to their storage type). With act_dtype f64 it does not
// round activations where a 16-bit model's device does (before GEMMs, q, k, v
// into the cache, attention's output): the exact forward of the stored
// weights. With act_dtype bf16 or f16 it rounds them there as the device does.
#pragma once

#include "workloads/llm/llm_weights.h"

#include <cstdint>
#include <vector>

namespace bakeoff::llm {

struct RefForward {
    const WeightSource* weights = nullptr;
    std::int64_t batch = 1, seq = 1, pos = 0;
    std::vector<std::int32_t> tokens;  // batch x seq
    std::uint64_t cache_seed = 0;      // positions [0, pos) hold cache_row(cache_seed, ...)
    bk_dtype kv_dtype = BK_F32;        // the device cache's type: the pre-filled rows are rounded to it
    bk_dtype act_dtype = BK_F64;       // activations rounded to it where the device converts them (f64: never)
};

// Rounds fp64 values in place as the device converts an f32 activation to t
// (to f32, then to nearest even in t); f32 and f64: unchanged.
void round_activations(bk_dtype t, double* v, std::size_t n);

// The residual stream after `layers` layers (-1 = all) at token rows `rows`
// (row b * seq + s). With more than one layer every row is computed; with one,
// keys and values of every row but the rest only for `rows`. [rows.size(), dim].
std::vector<double> ref_residual(const RefForward& f, int layers, const std::vector<std::int64_t>& rows);

// Logits [n, vocab_ids.size()] of final residual rows x [n, dim]: final rmsnorm
// (rounded to act_dtype, as the head GEMM's input), then the dot with the
// head's rows vocab_ids (all when empty).
std::vector<double> ref_logits(const WeightSource& w, const std::vector<double>& x, std::vector<std::int64_t> vocab_ids,
                               bk_dtype act_dtype = BK_F64);

// y[r, :] = x[r, :] W^T for W [n, k] (fp64, threaded over outputs).
void ref_linear(const double* x, const double* w, double* y, std::int64_t rows, std::int64_t n, std::int64_t k);

}  // namespace bakeoff::llm
