// The list of workloads. To add one: write it under src/workloads/<family>/
// and append it here.
#include "workloads/gemm/gemm_workload.h"
#include "workloads/membw/stream_workload.h"
#include "workloads/workload.h"

namespace bakeoff {

const std::vector<std::unique_ptr<Workload>>& all_workloads() {
    static const auto list = [] {
        std::vector<std::unique_ptr<Workload>> w;
        for (auto k : {StreamKernel::copy, StreamKernel::scale, StreamKernel::add, StreamKernel::triad, StreamKernel::dot})
            w.push_back(std::make_unique<StreamWorkload>(k));
        w.push_back(std::make_unique<GemmWorkload>());
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
