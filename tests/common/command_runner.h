// Shared by the tests that drive the bakeoff command: run the built binary in
// a subprocess, or a subcommand in-process through its CLI11 registration,
// and capture exit code, stdout and stderr.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace bakeoff::testing_support {

struct CommandResult {
    int code = -1;  // exit status, or 128 + signal
    std::string out, err;
    double seconds = 0;
};

inline std::string slurp(const std::filesystem::path& p) {
    std::ifstream in(p);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// A scratch folder per test process, named after `prefix`.
inline std::filesystem::path scratch_dir(const std::string& prefix) {
    auto d = std::filesystem::temp_directory_path() / (prefix + "-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
}

// Runs `env ENV bakeoff ARGS` in `dir` with no standard input.
inline CommandResult run_binary(const std::filesystem::path& binary, const std::filesystem::path& dir,
                                const std::string& env, const std::string& args) {
    const auto out = dir / "stdout.txt", err = dir / "stderr.txt";
    const std::string cmd = "cd '" + dir.string() + "' && env OMP_NUM_THREADS=2 " + env + " '" + binary.string() +
                            "' " + args + " >'" + out.string() + "' 2>'" + err.string() + "' </dev/null";
    const auto t0 = std::chrono::steady_clock::now();
    const int status = std::system(cmd.c_str());
    CommandResult r;
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.code = WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
}

#ifdef BAKEOFF_BINARY_PATH
// The built bakeoff run in one scratch folder per test process (named after
// `prefix`): `env ENV MORE_ENV bakeoff ARGS`, ENV set for every run.
struct BakeoffInScratch {
    std::filesystem::path dir;
    std::string env;
    explicit BakeoffInScratch(const std::string& prefix, std::string always_env = "")
        : dir(scratch_dir(prefix)), env(std::move(always_env)) {}
    CommandResult operator()(const std::string& args, const std::string& more_env = "") const {
        return run_binary(BAKEOFF_BINARY_PATH, dir, env + " " + more_env, args);
    }
};
#endif

inline int count_lines(const std::string& s) {
    int n = 0;
    for (char c : s) n += c == '\n';
    return n;
}

}  // namespace bakeoff::testing_support
