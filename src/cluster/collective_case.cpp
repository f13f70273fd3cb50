#include "cluster/collective_case.h"

#include "cluster/participant.h"
#include "core/host_info.h"
#include "numeric/statistics.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <set>

namespace bakeoff::cluster {

namespace {

using nlohmann::json;

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The spec with what only the run knows: the ranks and the buffers they split.
CaseSpec with_ranks(const World& world, const CollectiveCase& c) {
    CaseSpec s = c.spec;
    s.params["ranks"] = world.size();
    s.params["hosts"] = std::set<std::string>(world.hosts().begin(), world.hosts().end()).size();
    const auto b = c.workload->buffers(s);
    s.params["count"] = b.count;
    s.params["message_bytes"] = b.message_bytes;
    s.params["busbw_factor"] = busbw_factor(c.workload->kind(), world.size());
    return s;
}

// What every rank said about a step: "" when it went well.
struct Agreement {
    bool ok = true;
    bool skip = true;    // every rank that could not go on was merely unavailable
    std::string reason;  // "rank 1 (host h): why; ..."
};

Agreement agree(const World& world, const std::string& error, bool unavailable) {
    const json mine = {{"error", error}, {"unavailable", unavailable}};
    Agreement a;
    const auto all = world.allgather(mine.dump());
    for (std::size_t r = 0; r < all.size(); ++r) {
        const json j = json::parse(all[r]);
        const auto e = j["error"].get<std::string>();
        if (e.empty()) continue;
        a.ok = false;
        a.skip = a.skip && j["unavailable"].get<bool>();
        a.reason += (a.reason.empty() ? "" : "; ") + world.who(int(r)) + ": " + e;
    }
    return a;
}

Record finish(Record r, RecordStatus st, std::string reason, std::chrono::steady_clock::time_point t0) {
    r.status = st;
    r.reason = std::move(reason);
    r.wall_s = seconds_since(t0);
    return r;
}

}  // namespace

Record collective_record(const World& world, const CollectiveCase& c, std::uint64_t seed) {
    const CaseSpec s = with_ranks(world, c);
    const std::size_t hosts = s.params["hosts"].get<std::size_t>();
    Record r;
    const std::string backend = c.host ? "mpi" : (c.backend ? c.backend->name : "device");
    r.device_id = fmt::format("mpi:{}", c.host ? "host" : backend);
    r.device_name = fmt::format("{} rank{} on {} host{}, {}", world.size(), world.size() == 1 ? "" : "s", hosts,
                                hosts == 1 ? "" : "s", c.host ? "host memory" : backend + " device memory");
    r.backend = backend;
    r.id = s.id() + "@" + r.device_id;
    r.workload = s.workload;
    r.dtype = "fp32";
    r.path = std::string(path_name(s.path));
    r.size = s.size;
    r.size_label = s.size_label;
    r.params = s.params;
    r.seed = seed;
    r.work = c.workload->counts(s);
    r.metric = c.workload->metric(s);
    r.telemetry = {{"available", false}, {"reason", "not read for collectives"}};
    return r;
}

Record run_collective_case(const World& world, const CollectiveCase& c, const RunOptions& o, std::uint64_t seed) {
    const auto t_case = std::chrono::steady_clock::now();
    Record r = collective_record(world, c, seed);
    const int n = world.size();
    if (!world.mpi())
        return finish(r, RecordStatus::skipped,
                      "collectives run across the ranks of an MPI job: launch bakeoff with mpirun -np N or srun "
                      "(docs/collectives.md)",
                      t_case);
    if (n < 2) return finish(r, RecordStatus::skipped, "a collective needs at least 2 ranks; this job has 1", t_case);

    ParticipantSpec ps{c.workload->kind(), c.workload->buffers(with_ranks(world, c)), seed, world.rank(), n};

    // Local set-up on every rank, then agreement: nobody enters an operation
    // that a rank cannot join.
    std::unique_ptr<Participant> part;
    std::string error;
    bool unavailable = false;
    try {
        if (!c.backend && !c.host) throw Unavailable("this rank has no device of the case's backend");
        const std::uint64_t bytes = (ps.buffers.send_elems + ps.buffers.recv_elems) * 4;
        const std::uint64_t avail = host_available_memory();
        if (avail > 0 && double(bytes) > 0.8 * double(avail) / world.local_size())
            throw Unavailable(fmt::format("needs {:.2f} GiB of host memory per rank, {:.2f} GiB free for {} ranks",
                                          double(bytes) / (1 << 30), double(avail) / (1 << 30), world.local_size()));
        part = c.host ? host_participant(ps, world.library())
                      : device_participant(ps, *c.backend, world.local_rank());
    } catch (const Unavailable& e) {
        error = e.what();
        unavailable = true;
    } catch (const std::bad_alloc&) {
        error = "out of memory allocating the buffers";
    } catch (const std::exception& e) {
        error = e.what();
    }
    if (auto a = agree(world, error, unavailable); !a.ok)
        return finish(r, a.skip ? RecordStatus::skipped : RecordStatus::failed, a.reason, t_case);

    if (!c.host) {  // the device communicator: rank 0's id to everyone, then everyone joins
        std::string id;
        if (world.rank() == 0) try {
                id = "ok:" + part->unique_id();
            } catch (const std::exception& e) {
                id = std::string("error:") + e.what();
            }
        id = world.broadcast(id);
        if (id.rfind("error:", 0) == 0)
            return finish(r, RecordStatus::failed, world.who(0) + ": " + id.substr(6), t_case);
        error.clear();
        try {
            part->connect(id.substr(3));
        } catch (const std::exception& e) {
            error = e.what();
        }
        if (auto a = agree(world, error, false); !a.ok) return finish(r, RecordStatus::failed, a.reason, t_case);
    }

    // A failed operation on one rank stops every rank at the next agreement;
    // a rank stuck inside an operation is the watchdog's job.
    error.clear();
    auto timed = [&]() -> double {
        if (!error.empty()) return 0;
        try {
            return part->timed_run();
        } catch (const std::exception& e) {
            error = e.what();
            return 0;
        }
    };
    world.barrier();
    const double first = timed();
    r.first_call_s = world.allreduce_max(std::vector<double>{first})[0];
    try {
        part->poison();  // after the warm-up: only timed runs can fill the buffer
    } catch (const std::exception& e) {
        error = e.what();
    }

    const std::size_t max_samples = std::min<std::size_t>(o.max_samples, 10000);
    std::vector<double> mine, samples;
    // The budget is wall time of the whole loop, barriers included: for small
    // messages the barriers cost more than the operations.
    const auto t_loop = std::chrono::steady_clock::now();
    for (std::size_t batch = std::max<std::size_t>(o.min_samples, 1);;) {
        std::vector<double> b;
        for (std::size_t i = 0; i < batch; ++i) {
            world.barrier();
            b.push_back(timed());
        }
        mine.insert(mine.end(), b.begin(), b.end());
        // The batch's slowest times, whether any rank was interrupted or
        // failed, and the longest time spent: every rank decides alike.
        b.push_back(o.stop && o.stop->load() ? 1.0 : 0.0);
        b.push_back(error.empty() ? 0.0 : 1.0);
        b.push_back(seconds_since(t_loop));
        const auto mx = world.allreduce_max(b);
        if (mx[batch + 1] > 0) break;
        samples.insert(samples.end(), mx.begin(), mx.begin() + std::ptrdiff_t(batch));
        if (mx[batch] > 0) return finish(r, RecordStatus::skipped, "interrupted", t_case);
        if (mx[batch + 2] >= o.time_budget_s || samples.size() >= max_samples) break;
        if (o.target_rel_ci > 0 && samples.size() >= o.min_samples &&
            stats::relative_ci_halfwidth(samples) <= o.target_rel_ci)
            break;
        // Next batch: at most as many again, and what the rest of the budget holds.
        const double per_iteration = mx[batch + 2] / double(samples.size());
        const double fits = (o.time_budget_s - mx[batch + 2]) / std::max(per_iteration, 1e-9);
        batch = std::clamp<std::size_t>(std::size_t(fits), 1, std::min(samples.size(), max_samples - samples.size()));
    }
    if (auto a = agree(world, error, false); !a.ok) return finish(r, RecordStatus::failed, a.reason, t_case);

    // Verification on every rank; the counts and this rank's times go to rank 0.
    std::string detail;
    std::uint64_t wrong = 0;
    try {
        wrong = part->verify(&detail);
    } catch (const std::exception& e) {
        error = e.what();
    }
    const std::int64_t total_wrong = world.allreduce_sum(std::int64_t(wrong));
    const json report = {{"wrong", wrong}, {"detail", detail}, {"error", error}, {"times", mine}};
    const auto reports = world.gather(report.dump());
    if (auto a = agree(world, error, false); !a.ok) return finish(r, RecordStatus::failed, a.reason, t_case);
    r.implementation = part->implementation();

    Verification v;
    v.method = "exact: integer-valued fp32 inputs seeded per rank, every received element of every rank";
    v.measure = "wrong elements";
    v.error = double(total_wrong);
    v.tolerance = 0;
    v.ok = total_wrong == 0;
    if (world.rank() != 0) {  // the record lives on rank 0; the others need its status only
        r.verification = v;
        return finish(r, v.ok ? RecordStatus::ok : RecordStatus::failed, v.ok ? "" : "wrong elements", t_case);
    }

    json per_rank = json::array();
    std::vector<double> rank_medians;
    for (std::size_t k = 0; k < reports.size(); ++k) {
        const json j = json::parse(reports[k]);
        const auto t = j["times"].get<std::vector<double>>();
        const auto w = j["wrong"].get<std::uint64_t>();
        if (w) v.detail += (v.detail.empty() ? "" : "; ") + world.who(int(k)) + ": " + j["detail"].get<std::string>();
        const double med = t.empty() ? 0 : stats::median(t);
        rank_medians.push_back(med);
        per_rank.push_back({{"rank", k},
                            {"host", world.hosts()[k]},
                            {"median_us", med * 1e6},
                            {"min_us", t.empty() ? 0 : stats::min(t) * 1e6},
                            {"max_us", t.empty() ? 0 : stats::max(t) * 1e6},
                            {"wrong_elements", w}});
    }
    const auto slowest = std::max_element(rank_medians.begin(), rank_medians.end()) - rank_medians.begin();
    r.params["per_rank"] = per_rank;
    r.params["rank_median_us"] = {{"min", stats::min(rank_medians) * 1e6},
                                  {"median", stats::median(rank_medians) * 1e6},
                                  {"max", stats::max(rank_medians) * 1e6},
                                  {"slowest_rank", slowest}};
    r.verification = v;
    r.samples_s = samples;
    if (!v.ok) return finish(r, RecordStatus::failed, fmt::format("{} wrong elements: {}", total_wrong, v.detail), t_case);
    const double t_med = stats::median(samples);
    r.params["time_us"] = t_med * 1e6;
    r.params["algbw_gbs"] = algbw_gbs(r.params["message_bytes"].get<std::uint64_t>(), t_med);
    r.stats = compute_statistics(metric_values(r.metric, r.work, r.samples_s));
    return finish(r, RecordStatus::ok, "", t_case);
}

}  // namespace bakeoff::cluster
