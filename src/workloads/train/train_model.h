// The train.step decoder on a device: every parameter in its own buffers
// (value, gradient, AdamW m and v; the ABI has no buffer offsets), the
// activations the backward needs, and a pool of synthetic batches uploaded
// once so a step moves no data between host and device.
#pragma once

#include "workloads/train/train_config.h"
#include "workloads/workload.h"

#include <memory>
#include <vector>

namespace bakeoff::train {

class DeviceModel {
public:
    // Batches in the pool the steps cycle through.
    static constexpr std::size_t kBatchPool = 8;

    DeviceModel(Device& dev, const TrainShape& s, bk_path gemm_path, std::uint64_t seed);
    ~DeviceModel();

    // Parameters back to their initial values, optimiser state zeroed, step 0.
    void reset();
    // One training step (forward, backward, AdamW) on the next pool batch; asynchronous.
    void step(Stream& st);
    // Forward and backward only, on pool batch `b`: gradients left in place, no update.
    void forward_backward(Stream& st, std::size_t b);

    // After the stream is synced: the last forward's per-token losses, a
    // parameter's gradient and value.
    std::vector<float> row_losses() const;
    std::vector<float> grad(std::size_t param) const;
    std::vector<float> value(std::size_t param) const;
    void set_value(std::size_t param, const std::vector<float>& v);
    void poison_outputs();  // loss rows NaN, so a step that writes none cannot pass

    const Batch& batch(std::size_t b) const { return batches_[b]; }
    std::size_t last_batch() const { return last_batch_; }
    std::int64_t steps_done() const { return step_; }
    const TrainShape& shape() const { return s_; }
    // For op_info: the largest GEMM of a step (the logits projection).
    bk_op_desc main_op() const;

private:
    struct Impl;
    std::unique_ptr<Impl> m_;
    TrainShape s_;
    std::vector<Batch> batches_;
    std::size_t last_batch_ = 0;
    std::int64_t step_ = 0;
};

// The descriptors of every distinct op a step launches (for supports()).
std::vector<bk_op_desc> train_ops(const TrainShape& s, bk_path gemm_path);

}  // namespace bakeoff::train
