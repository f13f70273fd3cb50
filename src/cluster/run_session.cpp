#include "cluster/run_session.h"

#include "core/host_info.h"
#include "harness/worker_process.h"
#include "results/results_header.h"

#include <fmt/format.h>

#include <stdexcept>
#include <utility>

namespace bakeoff::cluster {

RunSession::RunSession(RunConfig config, const PluginRegistry& registry)
    : config_(std::move(config)), registry_(registry) {}

RunSession::~RunSession() = default;

void RunSession::select() {
    selection_ = select_cases(config_.selection, registry_);
    options_.time_budget_s = config_.time_budget_s > 0 ? config_.time_budget_s : default_time_budget(selection_.suite);
    options_.target_rel_ci = config_.target_ci_percent / 100.0;
    options_.stop = config_.stop;
    // One default for the per-device workers and the collective cases.
    case_timeout_s_ = config_.case_timeout_s > 0 ? config_.case_timeout_s : default_case_timeout(options_.time_budget_s);
}

std::optional<int> RunSession::start() {
    // Under mpirun/srun: MPI starts here; every rank keeps its share of the
    // devices and the collective cases run across ranks after them.
    cluster_ = std::make_unique<Session>(config_.command_line, config_.cluster);
    if (auto code = cluster_->failed_start()) return code;
    cluster_->split_plan(selection_.plan,
                         selection_.suite == Suite::collective || !config_.selection.workloads.empty());

    // Which chip each device is, for claimed vs measured.
    chips_ = specs::ChipDatabase::load(config_.chips_file);
    if (!config_.prices_file.empty()) prices_ = specs::PriceList::load_file(config_.prices_file, &chips_);
    for (const auto& d : registry_.devices()) {
        std::string override_id;
        for (const auto& o : config_.chip_overrides) {
            auto eq = o.find('=');
            if (eq == std::string::npos) override_id = o;
            else if (device_matches(d, o.substr(0, eq))) override_id = o.substr(eq + 1);
        }
        auto m = specs::match_device(chips_, d.props.name, override_id);
        if (m.status == specs::MatchStatus::unknown_override) throw UsageError("--chip: " + m.reason);
        matches_.emplace(d.id(), std::move(m));
    }

    used_.clear();
    for (const auto& d : registry_.devices())
        for (const auto& p : selection_.plan)
            if (p.device.id() == d.id()) {
                used_.push_back(d);
                break;
            }
    return std::nullopt;
}

void RunSession::open_results() {
    const std::string suite(suite_name(selection_.suite));
    file_.header = results_header(used_, config_.command_line, config_.seed, suite);
    file_.header["isolation"] = config_.no_isolation ? "in-process" : "worker process per device";
    file_.header["worker_environment"] = config_.no_isolation ? std::vector<std::string>{} : worker_environment();
    out_ = config_.out.empty() ? utc_now("bakeoff-%Y%m%d-%H%M%S.json") : config_.out;
    try {
        cluster_->write(out_, file_);  // fail now, not after an hour of measuring
    } catch (const std::exception& e) {
        throw UsageError(fmt::format("--out: {}", e.what()));
    }
    if (!config_.no_isolation) {
        // Workers load the plugins this process accepted, and not the ones it refused.
        std::vector<std::string> worker{"/proc/self/exe", "worker"};
        for (const auto& r : registry_.refused())
            if (r.origin != "built-in") worker.insert(worker.end(), {"--skip-plugin", r.origin});
        isolated_.emplace(std::move(worker), config_.seed, case_timeout_s_);
    }
}

Device& RunSession::device_for(const DeviceInfo& info) {
    for (auto& d : open_)
        if (d->info().id() == info.id()) return *d;
    open_.push_back(std::make_unique<Device>(info));
    return *open_.back();
}

void RunSession::run_cases(const CaseHooks& hooks) {
    const auto& plan = selection_.plan;
    for (std::size_t i = 0; i < plan.size(); ++i) {
        const auto& p = plan[i];
        if (hooks.started) hooks.started(i, p);
        Record r;
        if (isolated_) {
            r = isolated_->run(*p.workload, p.spec, p.device, options_);
        } else try {
            r = run_case(device_for(p.device), *p.workload, p.spec, config_.seed, options_);
        } catch (const std::exception& e) {  // the device itself failed to open
            r = make_record(*p.workload, p.spec, p.device, config_.seed);
            r.status = RecordStatus::failed;
            r.reason = e.what();
        }
        if (hooks.finished) hooks.finished(r);
        failed_ = failed_ || r.status == RecordStatus::failed;
        file_.records.push_back(std::move(r));
        if (interrupted()) break;
        cluster_->write(out_, file_);
    }
}

void RunSession::run_collectives() {
    failed_ = cluster_->run_collectives(file_, out_, options_, config_.seed, case_timeout_s_) || failed_;
}

void RunSession::finish() {
    const bool stopped = interrupted();
    file_.header["complete"] = !stopped;
    file_.header["interrupted"] = stopped;
    cluster_->write(out_, file_);
}

}  // namespace bakeoff::cluster
