// The per-op conformance definitions (src/conformance/nn_op_case.h): one per
// NN op kind, in a list the plan walks; every planned descriptor is one the
// SDK's rules accept, and each definition builds the operands those rules ask
// of a backend, by name and in the ABI's order, and in f32 (the type every op
// is defined in: the rules size the f32-only ops as f32 whatever the
// descriptor says, and a backend refuses the other types) their sizes too.
#include "conformance/conformance.h"
#include "conformance/nn_cases.h"
#include "conformance/nn_op_case.h"
#include "core/dtype.h"

#include <bakeoff/nn_op_rules.h>

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

namespace bakeoff::conformance {
namespace {

TEST(NnOpCase, OneDefinitionPerNnOpKind) {
    std::set<std::uint32_t> kinds;
    for (const NnOpCase& def : nn_op_cases()) {
        EXPECT_TRUE(is_nn_kind(def.kind)) << bk_op_name(def.kind);
        EXPECT_TRUE(kinds.insert(def.kind).second) << bk_op_name(def.kind) << " defined twice";
        EXPECT_EQ(find_nn_op_case(def.kind), &def);
        for (const bk_op_desc& op : def.descriptors()) {
            EXPECT_EQ(op.kind, std::uint32_t(def.kind)) << bk_op_name(def.kind);
            EXPECT_EQ(op.path, std::uint32_t(BK_PATH_PORTABLE)) << bk_op_name(def.kind);
        }
    }
    for (std::uint32_t k = BK_OP_CONVERT; k <= BK_OP_PAGED_ATTENTION; ++k) EXPECT_TRUE(kinds.count(k)) << bk_op_name(k);
    EXPECT_EQ(find_nn_op_case(BK_OP_GEMM), nullptr);
}

TEST(NnOpCase, ThePlanRunsEveryDescriptorOnBothPathsUnderDistinctNames) {
    std::size_t per_path = 0;
    for (const NnOpCase& def : nn_op_cases()) per_path += def.descriptors().size();
    const auto plan = planned_nn_ops();
    EXPECT_EQ(plan.size(), 2 * per_path);
    std::set<std::string> ids;
    for (const bk_op_desc& op : plan) {
        const std::string id = op_name(op) + " " + nn_dtype_label(op) + " " +
                               std::string(path_name(bk_path(op.path))) + " " + shape_label(op);
        EXPECT_TRUE(ids.insert(id).second) << id << " planned twice";
    }
}

TEST(NnOpCase, OperandsAreTheOnesTheAbiRulesAskFor) {
    for (const NnOpCase& def : nn_op_cases())
        for (const bk_op_desc& op : def.descriptors()) {
            const std::string what = op_name(op) + " " + nn_dtype_label(op) + " " + shape_label(op);
            std::vector<bk_nn_rules::Operand> rules;
            ASSERT_EQ(bk_nn_rules::check(op, &rules), "") << what;
            BuiltCase c;
            c.tol = def.tolerance(op);
            Gen g(1);
            def.build(op, g, c);
            EXPECT_GT(c.tol, 0) << what;
            ASSERT_EQ(c.t.size(), rules.size()) << what;
            for (std::size_t i = 0; i < rules.size(); ++i) {
                const Operand& t = c.t[i];
                const std::size_t n = t.role == Role::out ? t.ref.size() : t.v.size();
                EXPECT_EQ(std::string(t.name), rules[i].name) << what;
                if (op.dtype_a == BK_F32) {
                    EXPECT_EQ(n * dtype_size(t.type), rules[i].bytes) << what << ": " << t.name;
                }
                if (t.role != Role::in) {
                    EXPECT_EQ(t.ref.size(), n) << what << ": " << t.name;
                }
            }
        }
}

// The serving cases hold the indices and poison they promise: legal indices
// (as the ABI's rules read them), padding rows, skipped sequences, rows of o
// no sequence owns (NaN that must stay NaN), unused blocks and slots of NaN,
// table entries past the needed blocks that name no block, block 7 before 2.
TEST(NnOpCase, ServingCasesHoldWhatTheyPromise) {
    bool skipped_seq = false, unowned_row = false, padding_row = false, seven_before_two = false;
    auto operands = [](const bk_op_desc& op) {
        BuiltCase c;
        Gen g(3);
        find_nn_op_case(op.kind)->build(op, g, c);
        return c.t;
    };
    for (const bk_op_desc& op : find_nn_op_case(BK_OP_PAGED_KV_WRITE)->descriptors()) {
        const auto slot = as_i32(operands(op)[1].v);
        EXPECT_EQ(bk_nn_rules::check_serving_indices(op, slot.data(), nullptr, nullptr, nullptr), "");
        for (std::int32_t s : slot) padding_row |= s == -1;
    }
    for (const bk_op_desc& op : find_nn_op_case(BK_OP_PAGED_ATTENTION)->descriptors()) {
        const bk_paged_attention_op& a = op.u.paged;
        const auto t = operands(op);
        const auto q_start = as_i32(t[3].v), kv_len = as_i32(t[4].v), table = as_i32(t[5].v);
        ASSERT_EQ(bk_nn_rules::check_serving_indices(op, nullptr, q_start.data(), kv_len.data(), table.data()), "");
        const std::int64_t row = a.heads * a.head_dim, kv_row = a.kv_heads * a.head_dim;
        // o: every row starts as NaN; the reference is NaN exactly in the rows no sequence owns.
        for (std::size_t i = 0; i < t[6].v.size(); ++i) {
            EXPECT_TRUE(std::isnan(t[6].v[i]));
            const bool owned = std::int64_t(i) / row < q_start.back();
            EXPECT_EQ(std::isnan(t[6].ref[i]), !owned) << i;
            unowned_row |= !owned;
        }
        // Cache positions: a number where a sequence with queries keeps a key, NaN elsewhere.
        std::vector<bool> used(std::size_t(a.num_blocks * a.block_size), false);
        for (std::int64_t s = 0; s < a.seqs; ++s) {
            const std::int64_t blocks = (kv_len[std::size_t(s)] + a.block_size - 1) / a.block_size;
            const bool runs = q_start[std::size_t(s + 1)] > q_start[std::size_t(s)];
            skipped_seq |= !runs;
            for (std::int64_t j = 0; j < a.max_blocks; ++j) {
                const std::int32_t b = table[std::size_t(s * a.max_blocks + j)];
                if (!runs || j >= blocks) {
                    EXPECT_EQ(b, a.num_blocks + 3) << "an entry that is not read names a block";
                    continue;
                }
                for (std::int64_t p = j * a.block_size; p < std::min<std::int64_t>(kv_len[std::size_t(s)], (j + 1) * a.block_size); ++p)
                    used[std::size_t(b * a.block_size + p % a.block_size)] = true;
            }
            seven_before_two |= runs && blocks >= 2 && table[std::size_t(s * a.max_blocks)] == 7 &&
                                table[std::size_t(s * a.max_blocks + 1)] == 2;
        }
        for (std::size_t p = 0; p < used.size(); ++p)
            for (std::int64_t e = 0; e < kv_row; ++e) {
                EXPECT_EQ(std::isnan(t[1].v[p * std::size_t(kv_row) + std::size_t(e)]), !used[p]) << p;
                EXPECT_EQ(std::isnan(t[2].v[p * std::size_t(kv_row) + std::size_t(e)]), !used[p]) << p;
            }
    }
    EXPECT_TRUE(skipped_seq && unowned_row && padding_row && seven_before_two);
}

}  // namespace
}  // namespace bakeoff::conformance
