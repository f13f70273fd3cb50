// Thread placement.
//
// libgomp reads OMP_PROC_BIND / OMP_PLACES once, in a constructor that runs
// when the program loads, so setting them from init() has no effect. When the
// user has not set them, the backend pins the OpenMP threads itself with the
// same policy (close, places = cores): OpenMP thread i -> core i (threads
// beyond the core count share cores in order). Worker threads are pinned the
// first time they enter one of the backend's parallel regions; the launching
// thread (OpenMP thread 0) is pinned to the first core only while an op runs,
// because pinning it for good would also confine every thread it creates
// later (other backends' worker pools, the harness's own threads).
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
                        "; the launching thread is pinned to core 0 only while an op runs";
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
    const pthread_t self = pthread_self();
    if (pthread_getaffinity_np(self, sizeof(cpu_set_t), &saved_) != 0) return;
    if (pthread_setaffinity_np(self, sizeof(cpu_set_t), &p.places[0]) != 0) return;
    active_ = true;
    const int team = omp_get_max_threads();
    if (tl_team_pinned != team) {
        pin_team();
        tl_team_pinned = team;
    }
}

LaunchPin::~LaunchPin() {
    if (active_) pthread_setaffinity_np(pthread_self(), sizeof(cpu_set_t), &saved_);
}

}  // namespace bk_cpu
