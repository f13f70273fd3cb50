// The list of workloads. To add one: write it under src/workloads/<family>/
// and append it here.
#include "workloads/collective/collective_workload.h"
#include "workloads/attention/attention_workload.h"
#include "workloads/gemm/gemm_workload.h"
#include "workloads/latency/launch_workload.h"
#include "workloads/latency/transfer_workload.h"
#include "workloads/llm/llm_workload.h"
#include "workloads/serve/serve_workload.h"
#include "workloads/membw/stream_workload.h"
#include "workloads/moe/moe_workload.h"
#include "workloads/train/train_workload.h"
#include "workloads/workload.h"

namespace bakeoff {

const std::vector<std::unique_ptr<Workload>>& all_workloads() {
    static const auto list = [] {
        std::vector<std::unique_ptr<Workload>> w;
        for (auto k : {StreamKernel::copy, StreamKernel::scale, StreamKernel::add, StreamKernel::triad, StreamKernel::dot})
            w.push_back(std::make_unique<StreamWorkload>(k));
        w.push_back(std::make_unique<GemmWorkload>());
        w.push_back(std::make_unique<LaunchLatencyWorkload>());
        w.push_back(std::make_unique<TransferWorkload>(TransferDirection::h2d));
        w.push_back(std::make_unique<TransferWorkload>(TransferDirection::d2h));
        w.push_back(std::make_unique<AttentionWorkload>());
        w.push_back(std::make_unique<LlmWorkload>(LlmWorkload::Mode::prefill));
        w.push_back(std::make_unique<LlmWorkload>(LlmWorkload::Mode::decode));
        w.push_back(std::make_unique<ServeWorkload>());
        w.push_back(std::make_unique<MoeWorkload>());
        w.push_back(std::make_unique<TrainStepWorkload>());
        for (auto k : {CollectiveKind::allreduce, CollectiveKind::allgather, CollectiveKind::reduce_scatter,
                       CollectiveKind::alltoall, CollectiveKind::broadcast, CollectiveKind::sendrecv})
            w.push_back(std::make_unique<CollectiveWorkload>(k, false));
        w.push_back(std::make_unique<CollectiveWorkload>(CollectiveKind::sendrecv, true));
        return w;
    }();
    return list;
}

const Workload* find_workload(const std::string& id) {
    for (const auto& w : all_workloads())
        if (w->id() == id) return w.get();
    return nullptr;
}

}  // namespace bakeoff
