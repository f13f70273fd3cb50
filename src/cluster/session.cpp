#include "cluster/session.h"

#include <bakeoff/build_info.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <thread>

namespace bakeoff::cluster {

namespace {

using nlohmann::json;

// What must be equal on every rank: the build and the options (the program
// path may differ between hosts and is left out).
std::string run_identity(const std::vector<std::string>& argv) {
    std::string s = fmt::format("bakeoff {} (commit {})", BAKEOFF_VERSION, BAKEOFF_GIT_COMMIT);
    for (std::size_t i = 1; i < argv.size(); ++i) s += " " + argv[i];
    return s;
}

std::string rank_list(const std::vector<int>& ranks) {
    std::string s;
    for (int r : ranks) s += (s.empty() ? "" : ",") + std::to_string(r);
    return s;
}

std::string qualified(int rank, const std::string& device_id) { return fmt::format("rank{}/{}", rank, device_id); }

}  // namespace

void add_run_options(CLI::App& run, Options& o) {
    run.add_option("--rank-timeout", o.rank_timeout_s,
                   "Under MPI: seconds a rank waits for the others at a collective step before the job is aborted "
                   "(default: the case timeout)")
        // CLI::Range lets NaN through (every comparison with it is false).
        ->check(CLI::Validator(
            [](std::string& s) { return std::string(std::isfinite(std::strtod(s.c_str(), nullptr)) ? "" : "not a finite number"); },
            "SECONDS"))
        ->check(CLI::Range(0.0, 1e7));
}

Session::Session(const std::vector<std::string>& command_line, const Options& o) : options_(o) {
    try {
        world_ = World::start();
    } catch (const std::exception& e) {
        fmt::print(stderr, "bakeoff: launched by an MPI launcher but MPI did not start: {}\n", e.what());
        failed_start_ = 1;
        finished_ = true;
        return;
    }
    if (!world_->mpi()) {
        finished_ = true;  // nothing to abort
        return;
    }
    // Ranks must measure the same thing: compare build and options first.
    const auto ids = world_->allgather(run_identity(command_line));
    std::map<std::string, std::vector<int>> groups;
    for (std::size_t r = 0; r < ids.size(); ++r) groups[ids[r]].push_back(int(r));
    if (groups.size() > 1) {
        if (world_->rank() == 0) {
            std::string parts;
            for (const auto& [id, ranks] : groups)
                parts += fmt::format("{}rank{} {} (host {}{}) {} '{}'", parts.empty() ? "" : "; ",
                                     ranks.size() > 1 ? "s" : "", rank_list(ranks),
                                     world_->hosts()[std::size_t(ranks[0])], ranks.size() > 1 ? ", ..." : "",
                                     ranks.size() > 1 ? "run" : "runs", id);
            fmt::print(stderr, "bakeoff: the ranks do not run the same bakeoff build and options: {}\n", parts);
        }
        failed_start_ = 1;
        finished_ = true;
        return;
    }
    watchdog_ = std::make_unique<Watchdog>([this](const std::string& line) {
        fmt::print(stderr, "bakeoff: {}: {}: a rank failed or hangs; aborting all ranks{}\n", world_->who(world_->rank()),
                   line, out_.empty() || world_->rank() != 0 ? "" : "; finished records are in " + out_);
        world_->abort(1);
    });
}

Session::~Session() {
    if (world_ && world_->mpi() && !finished_) {
        fmt::print(stderr, "bakeoff: {} stopped early; aborting all ranks so that none waits for it\n",
                   world_->who(world_->rank()));
        world_->abort(1);
    }
    watchdog_.reset();
}

void Session::split_plan(std::vector<PlannedCase>& plan, bool asked) {
    std::vector<PlannedCase> devices, collective;
    for (auto& p : plan) {
        if (as_collective(p.workload)) collective.push_back(std::move(p));
        else if (!world_->mpi() || p.device.index % world_->local_size() == world_->local_rank())
            devices.push_back(std::move(p));
    }
    plan = std::move(devices);
    auto to_case = [](const PlannedCase& p) {
        CollectiveCase c;
        c.workload = as_collective(p.workload);
        c.spec = p.spec;
        c.backend = p.device.backend;
        c.host = p.spec.path == BK_PATH_PORTABLE;
        return c;
    };
    if (!world_->mpi()) {
        if (asked)
            for (const auto& p : collective) collectives_.push_back(to_case(p));
        return;
    }
    max_device_cases_ = std::size_t(world_->allreduce_max(std::int64_t(plan.size())));
    // Every rank runs rank 0's list, in its order; a case this rank cannot
    // match keeps no backend, and the case's set-up then says so for all.
    json mine = json::array();
    for (const auto& p : collective)
        mine.push_back({{"id", p.spec.id()}, {"backend", p.device.backend->name}, {"spec_size", p.spec.size}});
    const json list = json::parse(world_->broadcast(mine.dump()));
    for (const auto& entry : list) {
        const auto id = entry["id"].get<std::string>();
        const auto backend = entry["backend"].get<std::string>();
        const PlannedCase* local = nullptr;
        for (const auto& p : collective)
            if (p.spec.id() == id && p.device.backend->name == backend) local = &p;
        if (local) {
            collectives_.push_back(to_case(*local));
            continue;
        }
        // This rank lacks the case's backend: it takes part without one, and
        // the case's set-up makes it skipped on every rank, naming this one.
        for (const auto& w : all_workloads()) {
            const auto* cw = as_collective(w.get());
            if (!cw || id.rfind(cw->id() + "/", 0) != 0) continue;
            CollectiveCase c;
            c.workload = cw;
            c.host = false;
            c.spec.workload = cw->id();
            c.spec.path = BK_PATH_VENDOR;
            c.spec.size = entry["spec_size"].get<std::int64_t>();
            collectives_.push_back(c);
            break;
        }
    }
}

void Session::write(const std::string& out, const ResultsFile& f) const {
    if (is_root()) write_results(out, f);
}

void Session::gather_ranks(ResultsFile& file) const {
    const World& w = *world_;
    const bool multi = w.size() > 1;
    json mine = {{"records", json::array()}, {"devices", json::array()}, {"local_rank", w.local_rank()}};
    for (auto r : file.records) {
        if (multi) {
            r.device_id = qualified(w.rank(), r.device_id);
            r.id = r.id.substr(0, r.id.rfind('@') + 1) + r.device_id;
        }
        r.rank = w.rank();
        r.host = w.host();
        mine["records"].push_back(to_json(r));
    }
    for (auto d : file.header.value("devices", json::array())) {
        if (multi) d["id"] = qualified(w.rank(), d["id"].get<std::string>());
        d["rank"] = w.rank();
        d["host"] = w.host();
        mine["devices"].push_back(d);
    }
    const auto all = w.gather(mine.dump());
    if (w.rank() != 0) return;
    file.records.clear();
    json devices = json::array(), ranks = json::array();
    for (std::size_t k = 0; k < all.size(); ++k) {
        const json j = json::parse(all[k]);
        json ids = json::array();
        for (const auto& d : j["devices"]) {
            devices.push_back(d);
            ids.push_back(d["id"]);
        }
        for (const auto& r : j["records"]) file.records.push_back(record_from_json(r));
        ranks.push_back({{"rank", k}, {"host", w.hosts()[k]}, {"local_rank", j["local_rank"]}, {"devices", ids}});
    }
    file.header["devices"] = devices;
    file.header["ranks"] = ranks;
    file.header["mpi"] = {{"library", w.library()}, {"ranks", w.size()}};
}

void Session::inject_test_fault(std::size_t case_index, bool in_case) const {
    // Test only: BAKEOFF_TEST_RANK_FAULT=<rank>:<mode>[:<case>] makes one rank
    // fail at collective case <case> (0-based, default 1, the second): "exit"
    // ends it with status 3 and "hang" stops it before the case's check-in;
    // "hang-op" stops it after the check-in, inside the case, where only the
    // other ranks' watchdogs can notice.
    const char* f = std::getenv("BAKEOFF_TEST_RANK_FAULT");
    if (!f) return;
    int rank = -1;
    char mode[16] = {};
    unsigned at = 1;
    if (std::sscanf(f, "%d:%15[a-z-]:%u", &rank, mode, &at) < 2 || rank != world_->rank() || case_index != at) return;
    const std::string m = mode;
    if (m == (in_case ? "hang-op" : "hang"))
        for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
    if (m == "exit" && !in_case) std::_Exit(3);
}

bool Session::run_collectives(ResultsFile& file, const std::string& out, const RunOptions& opts, std::uint64_t seed,
                              double case_timeout_s) {
    out_ = out;
    bool failed = false;
    const World& w = *world_;
    const double wait_s = options_.rank_timeout_s > 0 ? options_.rank_timeout_s : case_timeout_s;
    if (w.mpi()) {
        // Ranks finish their own devices at different times: wait as long as
        // the longest plan may take, then gather.
        w.checkin("the end of the per-device cases", wait_s + double(max_device_cases_) * case_timeout_s);
        {
            Armed guard(*watchdog_, "gathering every rank's records", wait_s);
            gather_ranks(file);
        }
        write(out, file);
    }
    bool stop = opts.stop && opts.stop->load();
    if (w.mpi()) stop = w.allreduce_max(std::int64_t(stop)) > 0;
    for (std::size_t i = 0; i < collectives_.size() && !stop; ++i) {
        const auto& c = collectives_[i];
        const std::string what = fmt::format("collective case {} of {} ({})", i + 1, collectives_.size(), c.spec.id());
        Record r;
        if (w.mpi()) {
            inject_test_fault(i, false);
            w.checkin("the start of " + what, wait_s);
            inject_test_fault(i, true);
            Armed guard(*watchdog_, what, wait_s);
            r = run_collective_case(w, c, opts, seed);
        } else {
            r = run_collective_case(w, c, opts, seed);
        }
        failed = failed || r.status == RecordStatus::failed;
        if (is_root()) {
            file.records.push_back(std::move(r));
            write(out, file);
        }
        stop = opts.stop && opts.stop->load();
        if (w.mpi()) stop = w.allreduce_max(std::int64_t(stop)) > 0;
    }
    finished_ = true;
    if (is_root())
        for (const auto& r : file.records) failed = failed || r.status == RecordStatus::failed;
    return failed;
}

}  // namespace bakeoff::cluster
