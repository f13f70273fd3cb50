#include "workloads/train/train_case.h"

#include "workloads/train/train_host.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace bakeoff::train {

namespace {

// The convergence verdict averages the last few steps, so one unlucky batch
// neither passes nor fails a run.
constexpr std::size_t kFinalWindow = 5;
// f32 forward vs fp64: sums of at most a few thousand products; a wrong op
// moves the loss by far more.
constexpr double kLossTolerance = 2e-3;

double mean(const std::vector<float>& v) {
    double s = 0;
    for (float x : v) s += x;
    return v.empty() ? 0.0 : s / double(v.size());
}

std::string tail(const std::vector<double>& v, std::size_t n) {
    std::string out;
    for (std::size_t i = v.size() > n ? v.size() - n : 0; i < v.size(); ++i)
        out += fmt::format("{}{:.4f}", out.empty() ? "" : ", ", v[i]);
    return out;
}

class TrainCase final : public CaseInstance {
public:
    TrainCase(Device& dev, const TrainShape& s, bk_path gp, std::uint64_t seed)
        : dev_(dev), s_(s), seed_(seed), model_(dev, s, gp, seed) {}

    void poison() override { model_.poison_outputs(); }
    void run(Stream& st) override { model_.step(st); }
    bk_op_desc main_op() const override { return model_.main_op(); }

    Verification verify() override {
        Verification v;
        v.method = fmt::format(
            "timed steps' losses finite; first step's loss vs fp64 host model (tolerance {:g}); fresh {}-step training "
            "from the seed must reach the threshold",
            kLossTolerance, s_.converge_steps);
        v.measure = fmt::format("mean loss over the last {} steps (threshold {:.0f} % of ln(vocab))", kFinalWindow,
                                100 * s_.converge_fraction);
        v.tolerance = s_.loss_threshold();
        v.error = std::numeric_limits<double>::infinity();

        // The last timed step: its forward wrote every loss row.
        const auto timed = model_.row_losses();
        for (std::size_t i = 0; i < timed.size(); ++i)
            if (!std::isfinite(timed[i])) {
                v.detail = fmt::format("the last timed step (step {}) left loss row {} at {}", model_.steps_done(), i,
                                       timed[i]);
                return v;
            }
        const double timed_loss = mean(timed);
        const std::int64_t timed_steps = model_.steps_done();

        Stream st(dev_);
        const double first_err = first_step_loss_error(model_, st, seed_);
        if (!(first_err <= kLossTolerance)) {
            v.detail = fmt::format("first step's loss differs from the fp64 host model by {:.3g} (tolerance {:g})",
                                   first_err, kLossTolerance);
            return v;
        }
        const Convergence c = train_fresh(model_, st);
        v.error = c.final_loss;
        v.ok = c.ok;
        const std::string curve = fmt::format("loss {:.4f} at step 1, last values: {}", c.losses.front(), tail(c.losses, kFinalWindow));
        if (!c.ok)
            v.detail = fmt::format("loss did not fall below {:.4f} in {} steps ({})", v.tolerance, c.losses.size(), curve);
        else
            v.detail = fmt::format("{}; first-step loss vs fp64 {:.2g}; the timed steps ended at loss {:.4f} after {} steps",
                                   curve, first_err, timed_loss, timed_steps);
        return v;
    }

private:
    Device& dev_;
    TrainShape s_;
    std::uint64_t seed_;
    DeviceModel model_;
};

}  // namespace

Convergence train_fresh(DeviceModel& model, Stream& st) {
    const TrainShape& s = model.shape();
    model.reset();
    Convergence c;
    for (std::int64_t i = 0; i < s.converge_steps; ++i) {
        model.poison_outputs();
        model.step(st);
        st.sync();
        c.losses.push_back(mean(model.row_losses()));
    }
    const std::size_t n = std::min(kFinalWindow, c.losses.size());
    double sum = 0;
    for (std::size_t i = c.losses.size() - n; i < c.losses.size(); ++i) sum += c.losses[i];
    c.final_loss = n ? sum / double(n) : std::numeric_limits<double>::infinity();
    c.ok = std::isfinite(c.final_loss) && c.final_loss < s.loss_threshold();
    return c;
}

double first_step_loss_error(DeviceModel& model, Stream& st, std::uint64_t seed) {
    const TrainShape& s = model.shape();
    model.reset();
    model.poison_outputs();
    model.forward_backward(st, 0);
    st.sync();
    const auto dev = model.row_losses();
    // Attention stays inside a sequence, so sequence 0 alone is the reference.
    TrainShape one = s;
    one.batch = 1;
    const Batch& b = model.batch(0);
    Batch b0;
    b0.tokens.assign(b.tokens.begin(), b.tokens.begin() + s.seq);
    b0.targets.assign(b.targets.begin(), b.targets.begin() + s.seq);
    const HostResult ref = host_step(one, initial_params(s, seed), b0, false);
    double worst = 0;
    for (std::int64_t t = 0; t < s.seq; ++t) {
        // cross_entropy's rows are averaged over the whole batch only in the
        // gradient; the per-row loss is the same with batch 1.
        const double r = ref.row_loss[std::size_t(t)];
        const double e = std::abs(double(dev[std::size_t(t)]) - r) / std::max(1.0, std::abs(r));
        if (!(e <= worst)) worst = e;
    }
    return worst;
}

std::unique_ptr<CaseInstance> make_train_case(Device& dev, const TrainShape& s, bk_path gemm_path,
                                              std::uint64_t seed) {
    return std::make_unique<TrainCase>(dev, s, gemm_path, seed);
}

}  // namespace bakeoff::train
