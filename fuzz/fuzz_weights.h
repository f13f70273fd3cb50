// Shared by the fuzz targets of model files: every tensor of a weight source
// read whole, converted (rows) and as stored bytes (raw_rows), for each type
// a run loads matrices as. A reader's checks must make both stay inside the
// file; a ModelError from them is a refusal, not a failure.
#pragma once

#include "workloads/llm/llm_weights.h"
#include "workloads/llm/model_error.h"

#include <functional>
#include <memory>
#include <vector>

namespace bakeoff::fuzz {

inline void read_every_tensor(const std::function<std::unique_ptr<llm::WeightSource>(bk_dtype)>& make) {
    using namespace bakeoff::llm;
    try {
        for (bk_dtype wt : {BK_F32, BK_BF16}) {
            auto w = make(wt);
            for (std::size_t i = 0; i < w->tensors().size(); ++i) {
                (void)w->tensor_f64(i);
                const TensorInfo& t = w->tensors()[i];
                std::vector<unsigned char> raw(format_row_bytes(w->format(i), row_length(t)) * std::size_t(row_count(t)));
                w->raw_rows(i, 0, row_count(t), raw.data());
            }
        }
    } catch (const ModelError&) {
    }
}

}  // namespace bakeoff::fuzz
