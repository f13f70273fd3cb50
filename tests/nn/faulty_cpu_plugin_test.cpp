// The test-only faulty proxy of the CPU backend (tests/plugins/
// faulty_cpu_backend.cpp), loaded through the registry as a plugin: without
// BAKEOFF_FAULTY_PAGED it forwards every call (conformance cases pass on it);
// with it, a batched PAGED_ATTENTION (seqs > 1) gets a wrong value and fails
// its case, while seqs == 1 and every other op stay correct.
#include "conformance/conformance.h"
#include "conformance/nn_op_case.h"
#include "core/backend.h"
#include "core/plugin_registry.h"
#include "common/faulty_cpu_device.h"
#include "cpu_backend.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace bakeoff {
namespace {

class FaultyCpu : public testing::FaultyCpuTest {
protected:
    conformance::Outcome run(const bk_op_desc& op) {
        const auto r = conformance::run_case(*dev_, op, 7);
        last_detail_ = r.detail;
        return r.outcome;
    }

    std::string last_detail_;
};

// A decode batch of 8 sequences and one long prefill (seqs == 1), both listed
// conformance shapes, and an op that is not paged attention.
const bk_op_desc kBatched = conformance::paged_attention_desc(BK_F32, 8, 8, 8, 2, 128, 16, 26, 7, true);
const bk_op_desc kSingle = conformance::paged_attention_desc(BK_BF16, 1, 150, 4, 1, 64, 16, 16, 13, true);
const bk_op_desc kOther = conformance::rowwise_desc(BK_OP_RMSNORM, BK_F32, 17, 4099);

TEST_F(FaultyCpu, ForwardsEveryCallToTheCpuBackend) {
    EXPECT_TRUE(info_.is_host());
    for (const bk_op_desc& op : {kBatched, kSingle, kOther})
        EXPECT_EQ(run(op), conformance::Outcome::pass) << last_detail_;
}

TEST_F(FaultyCpu, PlantsAWrongValueInBatchedPagedAttentionOnly) {
    setenv("BAKEOFF_FAULTY_PAGED", "1", 1);
    EXPECT_EQ(run(kBatched), conformance::Outcome::fail);
    for (bk_dtype t : {BK_F64, BK_BF16, BK_F16}) {
        bk_op_desc op = kBatched;
        op.dtype_a = op.dtype_b = op.dtype_c = t;
        EXPECT_EQ(run(op), conformance::Outcome::fail) << "dtype " << t;
    }
    EXPECT_EQ(run(kSingle), conformance::Outcome::pass) << last_detail_;
    EXPECT_EQ(run(kOther), conformance::Outcome::pass) << last_detail_;
}

}  // namespace
}  // namespace bakeoff
