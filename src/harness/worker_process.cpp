#include "harness/worker_process.h"

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace bakeoff {

std::vector<std::string> worker_environment() {
    if (std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return {};
    return {"OMP_WAIT_POLICY=passive"};
}

WorkerProcess::WorkerProcess(const std::vector<std::string>& argv) {
    if (argv.empty()) throw std::invalid_argument("WorkerProcess: empty argv");
    // Everything the child needs is made before fork: after it, only
    // async-signal-safe calls.
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const std::vector<std::string> extra = worker_environment();
    std::vector<char*> envp;
    for (char** e = environ; e && *e; ++e) envp.push_back(*e);
    for (const auto& v : extra) envp.push_back(const_cast<char*>(v.c_str()));
    envp.push_back(nullptr);
    int in[2], out[2];
    if (::pipe2(in, O_CLOEXEC) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
    if (::pipe2(out, O_CLOEXEC) != 0) {
        ::close(in[0]);
        ::close(in[1]);
        throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
    }
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        for (int fd : {in[0], in[1], out[0], out[1]}) ::close(fd);
        throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
    }
    if (pid == 0) {
        ::setpgid(0, 0);                        // its own group: killed as a whole, no terminal signals
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);     // dies with the supervisor
        if (::getppid() != parent) ::_exit(127);  // the supervisor died before prctl
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        struct sigaction dfl{};
        dfl.sa_handler = SIG_DFL;
        for (int s : {SIGPIPE, SIGINT, SIGTERM}) ::sigaction(s, &dfl, nullptr);
        sigset_t none;
        sigemptyset(&none);
        ::sigprocmask(SIG_SETMASK, &none, nullptr);
        struct rlimit no_core{0, 0};  // a crashing plugin leaves no core file behind
        ::setrlimit(RLIMIT_CORE, &no_core);
        ::execve(args[0], args.data(), envp.data());
        const char msg[] = "bakeoff: cannot start the worker process\n";
        [[maybe_unused]] auto n = ::write(2, msg, sizeof msg - 1);
        ::_exit(127);
    }
    ::setpgid(pid, pid);  // also here, so it holds whichever side runs first
    ::close(in[0]);
    ::close(out[1]);
    pid_ = pid;
    to_worker_ = in[1];
    from_worker_ = out[0];
}

WorkerProcess::~WorkerProcess() {
    // End of input tells a healthy worker to close its device and exit; one
    // that does not within 2 s is killed.
    ::close(to_worker_);
    to_worker_ = -1;
    std::string ignored;
    while (!reaped_ && read_line(ignored, 2.0, nullptr) == Wait::line) {
    }
    if (!reaped_) kill_now();
    if (to_worker_ >= 0) ::close(to_worker_);
    if (from_worker_ >= 0) ::close(from_worker_);
}

bool WorkerProcess::send_line(const std::string& line) {
    const std::string data = line + "\n";
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(to_worker_, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;  // EPIPE: the worker is gone (SIGPIPE is ignored by the supervisor)
        done += std::size_t(n);
    }
    return true;
}

WorkerProcess::Wait WorkerProcess::read_line(std::string& line, double timeout_s, const std::atomic<bool>* stop) {
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(timeout_s));
    while (true) {
        if (auto nl = buffer_.find('\n'); nl != std::string::npos) {
            line = buffer_.substr(0, nl);
            buffer_.erase(0, nl + 1);
            return Wait::line;
        }
        if (stop && stop->load()) return Wait::stopped;
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) return Wait::timed_out;
        // Short slices so an interrupt is noticed even if it came before poll.
        pollfd p{from_worker_, POLLIN, 0};
        const int r = ::poll(&p, 1, int(std::min<long long>(left, 100)));
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) continue;
        char buf[65536];
        const ssize_t n = ::read(from_worker_, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {  // end of file: the worker exited or died
            reap();
            return Wait::died;
        }
        buffer_.append(buf, std::size_t(n));
    }
}

bool WorkerProcess::has_pending_line() {
    if (!buffer_.empty()) return true;
    pollfd p{from_worker_, POLLIN, 0};
    // POLLIN alone: a worker that exited (POLLHUP, nothing to read) is not an extra answer.
    return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

void WorkerProcess::reap() {
    if (reaped_) return;
    while (::waitpid(pid_, &wait_status_, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
}

void WorkerProcess::kill_now() {
    if (reaped_) return;
    ::kill(-pid_, SIGKILL);
    ::kill(pid_, SIGKILL);
    reap();
}

std::string WorkerProcess::exit_description() const {
    if (WIFSIGNALED(wait_status_)) {
        const int sig = WTERMSIG(wait_status_);
        return fmt::format("crashed (signal {}: {})", sig, signal_name(sig));
    }
    if (WIFEXITED(wait_status_)) return fmt::format("worker exited with status {}", WEXITSTATUS(wait_status_));
    return "worker ended";
}

}  // namespace bakeoff
