// Thread placement.
//
// libgomp reads OMP_PROC_BIND / OMP_PLACES once, in a constructor that runs
// when the program loads, so setting them from init() has no effect. When the
// user has not set them, the backend pins the OpenMP threads itself with the
// same policy (close, places = cores): OpenMP thread i -> core i (threads
// beyond the core count share cores in order). Worker threads are pinned the
// first time they enter one of the backend's parallel regions. The launching
// thread (OpenMP thread 0) is not pinned for good, because that would also
// confine every thread it creates later (other backends' worker pools, the
// harness's own threads): when an op starts and it is not on the first core,
// it is pinned there for that op and released after, after which the
// scheduler normally leaves it there, so later launches cost one sched_getcpu.
#include "cpu_internal.h"

#include <omp.h>
#include <pthread.h>

#include <cstdlib>
#include <mutex>
#include <string>

namespace bk_cpu {
namespace {

struct Plan {
    bool manual = false;
    std::string description;
    std::vector<cpu_set_t> places;
};

Plan& plan() {
    static Plan p;
    return p;
}

std::once_flag g_once;
thread_local int tl_place = -1;      // the place this worker is pinned to
thread_local int tl_team_pinned = 0;  // on a launching thread: team size pinned

int place_for(int thread, int team, int places) {
    if (team <= places) return thread;
    return static_cast<int>(static_cast<int64_t>(thread) * places / team);
}

void pin_team() {
#pragma omp parallel
    { pin_omp_thread(); }
}

}  // namespace

void threads_init() {
    std::call_once(g_once, [] {
        Plan& p = plan();
        const char* bind = std::getenv("OMP_PROC_BIND");
        const char* places = std::getenv("OMP_PLACES");
        const char* pin = std::getenv("BAKEOFF_CPU_PIN");
        if (bind || places) {
            p.description = std::string("OpenMP runtime (OMP_PROC_BIND=") + (bind ? bind : "unset") +
                            ", OMP_PLACES=" + (places ? places : "unset") +
                            " from the environment)";
            return;
        }
        if (pin && std::string(pin) == "0") {
            p.description = "none (BAKEOFF_CPU_PIN=0)";
            return;
        }
        p.places = host_info().core_sets;
        if (p.places.empty()) {
            p.description = "none (no topology)";
            return;
        }
        p.manual = true;
        p.description = "close, places=cores, set by bakeoff: OpenMP thread i -> core i of " +
                        std::to_string(p.places.size()) +
                        "; the launching thread is moved to core 0 for an op when it is elsewhere";
    });
}

std::string binding_description() {
    threads_init();
    return plan().description;
}

int thread_count() { return omp_get_max_threads(); }

void pin_omp_thread() {
    const Plan& p = plan();
    if (!p.manual) return;
    const int t = omp_get_thread_num();
    if (t == 0) return;  // the launching thread: see LaunchPin
    const int place = place_for(t, omp_get_num_threads(), static_cast<int>(p.places.size()));
    if (tl_place == place) return;
    if (pthread_setaffinity_np(pthread_self(), sizeof(cpu_set_t), &p.places[place]) == 0)
        tl_place = place;
}

LaunchPin::LaunchPin() {
    threads_init();
    const Plan& p = plan();
    if (!p.manual) return;
    const int team = omp_get_max_threads();
    if (tl_team_pinned != team) {
        pin_team();
        tl_team_pinned = team;
    }
    // Usually the launching thread is still on core 0 from the last launch:
    // then this costs one vDSO call. Otherwise move it there for this op.
    const int cpu = sched_getcpu();
    if (cpu >= 0 && cpu < CPU_SETSIZE && CPU_ISSET(cpu, &p.places[0])) return;
    const pthread_t self = pthread_self();
    if (pthread_getaffinity_np(self, sizeof(cpu_set_t), &saved_) != 0) return;
    if (pthread_setaffinity_np(self, sizeof(cpu_set_t), &p.places[0]) != 0) return;
    active_ = true;
}

LaunchPin::~LaunchPin() {
    if (active_) pthread_setaffinity_np(pthread_self(), sizeof(cpu_set_t), &saved_);
}

}  // namespace bk_cpu
