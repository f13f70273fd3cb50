// The test-only faulty proxy of the CPU backend (tests/plugins/
// faulty_cpu_backend.cpp), loaded through the registry as a plugin: without
// BAKEOFF_FAULTY_PAGED it forwards every call (conformance cases pass on it);
// with it, a batched PAGED_ATTENTION (seqs > 1) gets a wrong value and fails
// its case, while seqs == 1 and every other op stay correct.
#include "conformance/conformance.h"
#include "conformance/nn_op_case.h"
#include "core/backend.h"
#include "core/plugin_registry.h"
#include "cpu_backend.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace bakeoff {
namespace {

class FaultyCpu : public ::testing::Test {
protected:
    // As bakeoff's own registry does: the built-in CPU backend first (its init
    // runs OpenMP teams), then the plugin, probed in a forked child.
    void SetUp() override {
        unsetenv("BAKEOFF_FAULTY_PAGED");
        ASSERT_TRUE(reg_.add_builtin(bakeoff_cpu_backend()));
        reg_.set_probe_timeout(20);
        // <build>/test-plugins-faulty, beside <build>/test-plugins.
        const auto dir = std::filesystem::path(BAKEOFF_TEST_PLUGIN_DIR).parent_path() / "test-plugins-faulty";
        ASSERT_TRUE(reg_.load_file(dir / "libbakeoff_faulty_cpu.so"))
            << (reg_.refused().empty() ? "" : reg_.refused().back().reason);
        for (const DeviceInfo& d : reg_.devices())
            if (d.id() == "faultycpu:0") info_ = d;
        ASSERT_NE(info_.backend, nullptr) << "no faultycpu device";
        dev_ = std::make_unique<Device>(info_);
    }
    void TearDown() override { unsetenv("BAKEOFF_FAULTY_PAGED"); }

    conformance::Outcome run(const bk_op_desc& op) {
        const auto r = conformance::run_case(*dev_, op, 7);
        last_detail_ = r.detail;
        return r.outcome;
    }

    PluginRegistry reg_;
    DeviceInfo info_;
    std::unique_ptr<Device> dev_;
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
