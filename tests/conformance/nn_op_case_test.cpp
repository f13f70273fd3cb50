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
    for (std::uint32_t k = BK_OP_CONVERT; k <= BK_OP_ROPE_FREQ; ++k) EXPECT_TRUE(kinds.count(k)) << bk_op_name(k);
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

}  // namespace
}  // namespace bakeoff::conformance
