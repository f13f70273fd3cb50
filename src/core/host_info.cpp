#include "core/host_info.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <chrono>
#include <ctime>
#include <fstream>
#include <string>
#include <thread>

extern char** environ;

namespace bakeoff {

namespace {
std::string os_pretty_name() {
    std::ifstream in("/etc/os-release");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("PRETTY_NAME=", 0) == 0) {
            std::string v = line.substr(12);
            if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
            return v;
        }
    }
    return "unknown";
}

std::string cpu_model() {
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("model name", 0) == 0) {
            auto c = line.find(':');
            if (c != std::string::npos) return line.substr(line.find_first_not_of(" \t", c + 1));
        }
    }
    return "unknown";
}

std::uint64_t meminfo_kb(const std::string& key) {
    std::ifstream in("/proc/meminfo");
    std::string k;
    std::uint64_t v = 0;
    std::string unit;
    while (in >> k >> v >> unit)
        if (k == key + ":") return v;
    return 0;
}
}  // namespace

std::uint64_t host_available_memory() { return meminfo_kb("MemAvailable") * 1024; }

std::string utc_now(const char* strftime_format) {
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[128];
    std::strftime(buf, sizeof buf, strftime_format, &tm);
    return buf;
}

nlohmann::json host_info() {
    nlohmann::json h;
    char name[256] = {};
    gethostname(name, sizeof name - 1);
    h["hostname"] = name;
    h["os"] = os_pretty_name();
    struct utsname u{};
    if (uname(&u) == 0) {
        h["kernel"] = std::string(u.sysname) + " " + u.release;
        h["machine"] = u.machine;
    }
    h["cpu"] = cpu_model();
    h["logical_cpus"] = std::thread::hardware_concurrency();
    h["memory_bytes"] = meminfo_kb("MemTotal") * 1024;
    nlohmann::json env = nlohmann::json::object();
    for (char** e = environ; e && *e; ++e) {
        std::string kv(*e);
        auto eq = kv.find('=');
        if (eq == std::string::npos) continue;
        std::string k = kv.substr(0, eq);
        for (const char* prefix : {"OMP_", "GOMP_", "OPENBLAS_", "ONEDNN_", "DNNL_", "CUDA_", "BAKEOFF_", "POCL_"})
            if (k.rfind(prefix, 0) == 0) env[k] = kv.substr(eq + 1);
    }
    h["environment"] = env;
    return h;
}

}  // namespace bakeoff
