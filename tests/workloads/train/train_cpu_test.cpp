// train.step end to end on the built-in CPU backend, tiny preset: one step's
// gradients against the fp64 host model and against finite differences of
// the device's own loss; the case verifies (the loss converges); and with a
// learning rate of zero the convergence check fails.
#include "core/backend.h"
#include "core/plugin_registry.h"
#include "cpu_backend.h"
#include "harness/runner.h"
#include "workloads/train/train_case.h"
#include "workloads/train/train_host.h"
#include "workloads/train/train_model.h"
#include "workloads/train/train_workload.h"

#include "common/cpu_device.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

using namespace bakeoff;
using namespace bakeoff::train;

namespace {

Device& cpu() { return bakeoff::testing::cpu_device(); }

constexpr std::uint64_t kSeed = 77;

double mean(const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += x;
    return s / double(v.size());
}

// Forward and backward of batch 0, waited for.
void step(DeviceModel& m, Stream& st) {
    m.forward_backward(st, 0);
    st.sync();
}

}  // namespace

TEST(TrainCpu, OneStepGradientsMatchTheFp64HostModel) {
    const TrainShape s = *train_preset("tiny");
    DeviceModel m(cpu(), s, BK_PATH_PORTABLE, kSeed);
    Stream st(cpu());
    step(m, st);
    const HostResult ref = host_step(s, initial_params(s, kSeed), m.batch(0), true);
    EXPECT_NEAR(mean(m.row_losses()), ref.loss, 1e-4 * ref.loss);
    const auto specs = train_param_specs(s);
    for (std::size_t t = 0; t < specs.size(); ++t) {
        const auto dev = m.grad(t);
        const auto& r = ref.grads[t];
        ASSERT_EQ(dev.size(), r.size()) << specs[t].name;
        double scale = 0, worst = 0;
        for (double x : r) scale = std::max(scale, std::abs(x));
        ASSERT_GT(scale, 0) << specs[t].name << ": an all-zero reference gradient checks nothing";
        for (std::size_t i = 0; i < r.size(); ++i) worst = std::max(worst, std::abs(double(dev[i]) - r[i]));
        // f32 sums of a few hundred terms: ~1e-6 of the tensor's largest gradient.
        EXPECT_LE(worst, 1e-3 * scale) << specs[t].name;
    }
}

TEST(TrainCpu, GradientsMatchFiniteDifferencesOfTheDeviceLoss) {
    const TrainShape s = *train_preset("tiny");
    DeviceModel m(cpu(), s, BK_PATH_PORTABLE, kSeed);
    Stream st(cpu());
    step(m, st);
    const ParamIndex ix = train_param_index(s);
    // The largest gradient entries of three tensors: big enough that an f32
    // loss difference resolves them to a few percent.
    for (std::size_t t : {ix.lm_head, ix.layers[1].wd, ix.layers[0].wq}) {
        const auto g = m.grad(t);
        const auto at = std::size_t(std::max_element(g.begin(), g.end(), [](float a, float b) {
                                        return std::abs(a) < std::abs(b);
                                    }) - g.begin());
        const auto orig = m.value(t);
        auto v = orig;
        const float h = 1e-2f;
        v[at] = orig[at] + h;
        m.set_value(t, v);
        step(m, st);
        const double up = mean(m.row_losses());
        v[at] = orig[at] - h;
        m.set_value(t, v);
        step(m, st);
        const double down = mean(m.row_losses());
        m.set_value(t, orig);
        const double fd = (up - down) / (2.0 * double(h));
        EXPECT_NEAR(g[at], fd, 0.05 * std::abs(fd) + 1e-5) << "tensor " << t << " element " << at;
    }
}

TEST(TrainCpu, TinyCaseVerifiesAndConverges) {
    TrainStepWorkload w;
    RunOptions opts;
    opts.time_budget_s = 0.01;
    const CaseSpec c = TrainStepWorkload::make_case("tiny", 4, BK_PATH_VENDOR);
    const Record r = run_case(cpu(), w, c, 7, opts);
    ASSERT_EQ(r.status, RecordStatus::ok) << r.reason;
    ASSERT_TRUE(r.verification.has_value());
    EXPECT_LT(r.verification->error, r.verification->tolerance);
    EXPECT_NEAR(r.verification->tolerance, 0.25 * std::log(256.0), 1e-12);
    EXPECT_EQ(r.work.items, 256.0);
}

TEST(TrainCpu, ZeroLearningRateFailsTheConvergenceCheck) {
    TrainStepWorkload w;
    RunOptions opts;
    opts.time_budget_s = 0.01;
    CaseSpec c = TrainStepWorkload::make_case("tiny", 4, BK_PATH_PORTABLE);
    c.params["lr"] = 0.0;
    c.params["converge_steps"] = 20;
    const Record r = run_case(cpu(), w, c, 7, opts);
    EXPECT_EQ(r.status, RecordStatus::failed);
    EXPECT_NE(r.reason.find("did not fall below"), std::string::npos) << r.reason;
    EXPECT_NE(r.reason.find("last values"), std::string::npos) << r.reason;
}
