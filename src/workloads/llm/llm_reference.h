// A plain fp64 host forward of the decoder of llm_plan.h, composed from the
// nnref:: references and fp64 matrix products, on exactly the weights the
// device holds (rounded to their storage type). It skips what the device does
// only for speed — rounding activations to bf16 before GEMMs — so its result is
// the exact forward of the stored weights and the device's error is measured
// against it.
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
};

// The residual stream after `layers` layers (-1 = all) at token rows `rows`
// (row b * seq + s). With more than one layer every row is computed; with one,
// keys and values of every row but the rest only for `rows`. [rows.size(), dim].
std::vector<double> ref_residual(const RefForward& f, int layers, const std::vector<std::int64_t>& rows);

// Logits [n, vocab_ids.size()] of final residual rows x [n, dim]: final rmsnorm,
// then the dot with the head's rows vocab_ids (all when empty).
std::vector<double> ref_logits(const WeightSource& w, const std::vector<double>& x, std::vector<std::int64_t> vocab_ids);

// y[r, :] = x[r, :] W^T for W [n, k] (fp64, threaded over outputs).
void ref_linear(const double* x, const double* w, double* y, std::int64_t rows, std::int64_t n, std::int64_t k);

}  // namespace bakeoff::llm
