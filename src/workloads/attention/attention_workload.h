// attention — scaled-dot-product attention o = softmax(scale q k^T + mask) v
// (BK_OP_ATTENTION) over q [batch, seq, heads, head_dim] and k, v [batch, seq,
// kv_heads, head_dim]; size = seq (seq_q = seq_kv). Grouped-query cases have
// kv_heads < heads.
// FLOP count (a multiply-add = 2; QK^T and PV each 2 d per query-key pair;
// softmax not counted):
//   non-causal  4 b h sq skv d
//   causal      4 b h d sum_i visible(i), visible(i) = the keys query i sees
//               (i + 1 when sq = skv): only unmasked pairs are counted.
// Bytes: q, k, v read once and o written once, in the activation type.
// Metric: GFLOP/s = FLOP / s / 1e9.
// Verification: every output finite (o is poisoned before each run), and 64
// sampled (batch, query) rows — the first and last query among them — against
// the fp64 reference nnref::attention on the same inputs; error max |o - ref| /
// max |ref| over the rows; tolerance 1e-4 (fp32), 2e-2 (bf16).
#pragma once

#include "workloads/workload.h"

namespace bakeoff {

class AttentionWorkload final : public Workload {
public:
    std::string id() const override { return "attention"; }
    BAKEOFF_WORKLOAD_OVERRIDES;

    CaseSpec make_case(bk_dtype t, bk_path p, std::int64_t batch, std::int64_t heads, std::int64_t kv_heads,
                       std::int64_t seq, std::int64_t head_dim, bool causal) const;
    // Unmasked (query, key) pairs of one (batch, head).
    static double visible_pairs(std::int64_t seq_q, std::int64_t seq_kv, bool causal);
};

}  // namespace bakeoff
