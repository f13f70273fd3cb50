// One worker process, seen from the supervisor: started with a pipe to its
// stdin and one from its stdout (its stderr is the supervisor's), in its own
// process group, killed if the supervisor dies. Lines go in and come out; a
// line that does not come in time, or a worker that dies, is reported as such.
#pragma once

#include "core/signal_name.h"

#include <sys/types.h>

#include <atomic>
#include <string>
#include <vector>

namespace bakeoff {

// Variables a worker gets on top of this process's environment: OpenMP
// threads that finished a region (e.g. poisoning an output) sleep instead of
// spinning, so they take no core from a library that runs its own threads
// next (OpenBLAS's pthreads). Not set when the user set OMP_WAIT_POLICY or
// GOMP_SPINCOUNT themselves. "NAME=value" strings.
std::vector<std::string> worker_environment();

class WorkerProcess {
public:
    // Starts argv[0] with argv, in this process's environment plus the worker
    // settings (worker_environment()). Throws std::runtime_error if it cannot.
    explicit WorkerProcess(const std::vector<std::string>& argv);
    ~WorkerProcess();  // kills and reaps the worker if it still runs
    WorkerProcess(const WorkerProcess&) = delete;
    WorkerProcess& operator=(const WorkerProcess&) = delete;

    // Writes one line (a '\n' is added). False if the worker is gone.
    bool send_line(const std::string& line);

    enum class Wait { line, died, timed_out, stopped };
    // Waits for one line from the worker, at most timeout_s seconds, giving
    // up early when *stop becomes true. On `died` the worker has been reaped.
    Wait read_line(std::string& line, double timeout_s, const std::atomic<bool>* stop);

    // True when a line (or part of one) has come in that read_line has not
    // returned yet, or is waiting in the pipe.
    bool has_pending_line();

    // SIGKILL to the worker's whole process group, then reap it.
    void kill_now();

    // After `died`: "crashed (signal 11: SIGSEGV)", "worker exited with status 3".
    std::string exit_description() const;

    pid_t pid() const { return pid_; }

private:
    void reap();

    pid_t pid_ = -1;
    int to_worker_ = -1, from_worker_ = -1;
    int wait_status_ = 0;
    bool reaped_ = false;
    std::string buffer_;
};

}  // namespace bakeoff
