#include "core/plugin_registry.h"

#include "core/signal_name.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace bakeoff {

namespace {

// The members a plugin must provide; the loader names the first one missing.
struct Required {
    const char* name;
    bool (*present)(const bk_backend&);
};

#define BK_REQUIRED(member) Required{#member, [](const bk_backend& t) { return t.member != nullptr; }}
const Required kRequired[] = {
    BK_REQUIRED(init),         BK_REQUIRED(device_count),   BK_REQUIRED(device_props),
    BK_REQUIRED(device_open),  BK_REQUIRED(device_close),   BK_REQUIRED(buffer_alloc),
    BK_REQUIRED(buffer_free),  BK_REQUIRED(buffer_upload),  BK_REQUIRED(buffer_download),
    BK_REQUIRED(buffer_fill),  BK_REQUIRED(stream_create),  BK_REQUIRED(stream_destroy),
    BK_REQUIRED(stream_sync),  BK_REQUIRED(event_create),   BK_REQUIRED(event_destroy),
    BK_REQUIRED(event_record), BK_REQUIRED(event_elapsed_ms), BK_REQUIRED(supports),
    BK_REQUIRED(launch),       BK_REQUIRED(last_error),
};
#undef BK_REQUIRED

bool valid_name(const char* name) {
    if (!name || !*name || std::strlen(name) > 32) return false;
    for (const char* p = name; *p; ++p)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
    return true;
}

void write_line(int fd, const std::string& s) {
    const std::string line = s + "\n";
    std::size_t done = 0;
    while (done < line.size()) {
        const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += std::size_t(n);
    }
}

// The probe's child: every step of a load, each announced on `fd` before it
// runs ("stage in init()"), so the parent can say where a crash or a hang
// happened; then "ok" or "refused REASON". Never returns.
[[noreturn]] void probe_child(const std::filesystem::path& file, int fd) {
    auto refuse = [fd](const std::string& why) {
        write_line(fd, "refused " + why);
        ::_exit(0);
    };
    write_line(fd, "stage while loading");
    void* h = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char* e = dlerror();
        refuse(fmt::format("cannot load: {}", e ? e : "dlopen failed"));
    }
    auto entry = reinterpret_cast<bk_entry_fn>(dlsym(h, BK_ENTRY_SYMBOL));
    if (!entry) refuse(fmt::format("no '{}' symbol: not a bakeoff plugin", BK_ENTRY_SYMBOL));
    write_line(fd, fmt::format("stage in {}()", BK_ENTRY_SYMBOL));
    const bk_backend* t = entry();
    if (auto why = PluginRegistry::check_table(t)) refuse(*why);
    auto error_text = [t] {
        const char* e = t->last_error();
        return std::string(e ? e : "");
    };
    write_line(fd, "stage in init()");
    if (t->init() != BK_OK) refuse(fmt::format("init failed: {}", error_text()));
    write_line(fd, "stage in device_count()");
    const int32_t n = t->device_count();
    for (int32_t i = 0; i < n; ++i) {
        write_line(fd, fmt::format("stage in device_props({})", i));
        bk_device_props p{};
        p.struct_size = sizeof p;
        if (t->device_props(i, &p) != BK_OK) refuse(fmt::format("device {} properties failed: {}", i, error_text()));
    }
    write_line(fd, "ok");
    ::_exit(0);
}

// What the probe's child said: its last stage and its verdict ("" when none).
struct ProbeReport {
    std::string stage = "while loading";
    std::string verdict;
};

ProbeReport parse_probe_report(const std::string& text) {
    ProbeReport r;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = text.find('\n', at);
        if (end == std::string::npos) break;  // a line cut short by a crash says nothing
        const std::string line = text.substr(at, end - at);
        if (line.starts_with("stage ")) r.stage = line.substr(6);
        else r.verdict = line;
        at = end + 1;
    }
    return r;
}

}  // namespace

double PluginRegistry::default_probe_timeout() {
    if (const char* e = std::getenv("BAKEOFF_PLUGIN_PROBE_TIMEOUT")) {
        char* end = nullptr;
        const double v = std::strtod(e, &end);
        if (end != e && *end == '\0' && std::isfinite(v) && v > 0) return v;
    }
    return kDefaultProbeTimeout;
}

std::optional<std::string> PluginRegistry::probe(const std::filesystem::path& file) const {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return fmt::format("cannot probe: pipe: {}", std::strerror(errno));
    // Output buffered here would otherwise be written twice, by a plugin
    // that calls exit() in the child as well.
    std::fflush(stdout);
    std::fflush(stderr);
    const pid_t parent = ::getpid();
    const pid_t pid = ::fork();
    if (pid < 0) {
        ::close(fds[0]);
        ::close(fds[1]);
        return fmt::format("cannot probe: fork: {}", std::strerror(errno));
    }
    if (pid == 0) {
        ::close(fds[0]);
        ::setpgid(0, 0);                     // killed as a group on a hang, with what it started
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // and with its parent
        if (::getppid() != parent) ::_exit(127);
        struct rlimit no_core{0, 0};
        ::setrlimit(RLIMIT_CORE, &no_core);
        ::dup2(2, 1);  // what a plugin prints must not land in this command's output
        probe_child(file, fds[1]);
    }
    ::setpgid(pid, pid);
    ::close(fds[1]);
    using Clock = std::chrono::steady_clock;
    const auto deadline =
        Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(probe_timeout_s_));
    std::string said;
    int status = 0;
    bool open = true, reaped = false;
    while (!reaped) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) break;
        if (open) {
            pollfd p{fds[0], POLLIN, 0};
            const int r = ::poll(&p, 1, int(std::min<long long>(left, 100)));
            if (r > 0) {
                char buf[4096];
                const ssize_t n = ::read(fds[0], buf, sizeof buf);
                if (n > 0 && said.size() < 65536) said.append(buf, std::size_t(n));
                else if (n == 0 || (n < 0 && errno != EINTR)) open = false;
            }
        } else {
            // The child closed its end (or exited): wait for it, still within the timeout.
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        const pid_t w = ::waitpid(pid, &status, WNOHANG);
        if (w == pid) reaped = true;
    }
    ::close(fds[0]);
    const ProbeReport report = parse_probe_report(said);
    if (!reaped) {
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        return fmt::format("hung {} (no answer within {:g} s)", report.stage, probe_timeout_s_);
    }
    if (report.verdict.starts_with("refused ")) return report.verdict.substr(8);
    if (WIFSIGNALED(status)) return fmt::format("crashed {} ({})", report.stage, signal_name(WTERMSIG(status)));
    if (report.verdict == "ok" && WIFEXITED(status) && WEXITSTATUS(status) == 0) return std::nullopt;
    if (WIFEXITED(status)) return fmt::format("exited with status {} {}", WEXITSTATUS(status), report.stage);
    return fmt::format("ended {}", report.stage);
}

PluginRegistry::~PluginRegistry() {
    for (auto& b : backends_) {
        if (b->table->shutdown) b->table->shutdown();
    }
    // Plugins stay mapped until exit: a table or a string from them may still
    // be referenced by results being written, and unloading buys nothing.
}

std::optional<std::string> PluginRegistry::check_table(const bk_backend* t) {
    if (!t) return std::string("entry point returned no table");
    if (t->abi_version != BK_ABI_VERSION)
        return fmt::format("ABI version {} but this bakeoff needs {}", t->abi_version, BK_ABI_VERSION);
    if (t->struct_size < BK_BACKEND_V1_MIN_SIZE)
        return fmt::format("backend table is {} bytes, ABI v{} needs at least {}", t->struct_size, BK_ABI_VERSION,
                           BK_BACKEND_V1_MIN_SIZE);
    if (!valid_name(t->name)) return std::string("backend name missing or not [a-z0-9_]{1,32}");
    for (const auto& r : kRequired)
        if (!r.present(*t)) return fmt::format("required entry point '{}' is missing", r.name);
    return std::nullopt;
}

std::vector<std::filesystem::path> PluginRegistry::search_path(const std::filesystem::path& exe_dir) {
    std::vector<std::filesystem::path> dirs;
    if (const char* env = std::getenv("BAKEOFF_PLUGIN_PATH")) {
        std::string s(env);
        std::size_t start = 0;
        while (start <= s.size()) {
            auto end = s.find(':', start);
            if (end == std::string::npos) end = s.size();
            if (end > start) dirs.emplace_back(s.substr(start, end - start));
            start = end + 1;
        }
    }
    if (!exe_dir.empty()) {
        dirs.push_back(exe_dir / "plugins");
        dirs.push_back(exe_dir / ".." / "lib" / "bakeoff" / "plugins");
    }
    return dirs;
}

bool PluginRegistry::add(const bk_backend* table, const std::string& origin, void* dl_handle) {
    if (auto why = check_table(table)) {
        refused_.push_back({origin, *why});
        return false;
    }
    if (find(table->name)) {
        refused_.push_back({origin, fmt::format("a backend named '{}' is already loaded from {}", table->name,
                                                find(table->name)->origin)});
        return false;
    }
    auto b = std::make_unique<Backend>();
    // A table from an older v1 plugin stops before the members appended
    // since: copy what it has, the rest stays NULL (optional by the ABI).
    std::memcpy(&b->table_copy, table, std::min<std::size_t>(table->struct_size, sizeof(bk_backend)));
    b->table = &b->table_copy;
    table = b->table;
    b->name = table->name;
    b->origin = origin;
    b->dl_handle = dl_handle;
    if (table->init() != BK_OK) {
        refused_.push_back({origin, fmt::format("init failed: {}", b->last_error())});
        return false;
    }
    int32_t n = table->device_count();
    b->device_count = std::max<int32_t>(0, n);
    if (b->device_count == 0) b->no_device_reason = b->last_error();
    backends_.push_back(std::move(b));
    return true;
}

bool PluginRegistry::add_builtin(const bk_backend* table) { return add(table, "built-in", nullptr); }

bool PluginRegistry::load_file(const std::filesystem::path& file) {
    if (probe_timeout_s_ > 0) {
        if (auto why = probe(file)) {
            refused_.push_back({file.string(), *why});
            return false;
        }
    }
    void* h = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char* e = dlerror();
        refused_.push_back({file.string(), fmt::format("cannot load: {}", e ? e : "dlopen failed")});
        return false;
    }
    auto entry = reinterpret_cast<bk_entry_fn>(dlsym(h, BK_ENTRY_SYMBOL));
    if (!entry) {
        refused_.push_back({file.string(), fmt::format("no '{}' symbol: not a bakeoff plugin", BK_ENTRY_SYMBOL)});
        dlclose(h);
        return false;
    }
    if (!add(entry(), file.string(), h)) {
        dlclose(h);
        return false;
    }
    return true;
}

void PluginRegistry::load_directory(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) return;
    std::vector<std::filesystem::path> files;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
        auto name = e.path().filename().string();
        if (name.rfind("libbakeoff_", 0) == 0 && e.path().extension() == ".so") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files)
        if (std::find(skipped_.begin(), skipped_.end(), f) == skipped_.end()) load_file(f);
}

const Backend* PluginRegistry::find(const std::string& name) const {
    for (const auto& b : backends_)
        if (b->name == name) return b.get();
    return nullptr;
}

std::vector<DeviceInfo> PluginRegistry::devices() const {
    std::vector<DeviceInfo> out;
    for (const auto& b : backends_) {
        for (int i = 0; i < b->device_count; ++i) {
            DeviceInfo d;
            d.backend = b.get();
            d.index = i;
            d.props.struct_size = sizeof d.props;
            b->check(b->table->device_props(i, &d.props), fmt::format("device {} properties", i));
            // Strings from a plugin are NUL-terminated by contract; enforce it.
            d.props.name[sizeof d.props.name - 1] = '\0';
            d.props.vendor[sizeof d.props.vendor - 1] = '\0';
            d.props.kind[sizeof d.props.kind - 1] = '\0';
            d.props.driver_version[sizeof d.props.driver_version - 1] = '\0';
            d.props.library_versions[sizeof d.props.library_versions - 1] = '\0';
            d.props.peak_basis[sizeof d.props.peak_basis - 1] = '\0';
            d.props.properties[sizeof d.props.properties - 1] = '\0';
            out.push_back(d);
        }
    }
    return out;
}

std::filesystem::path executable_dir() {
    std::error_code ec;
    auto p = std::filesystem::read_symlink("/proc/self/exe", ec);
    return ec ? std::filesystem::path() : p.parent_path();
}

}  // namespace bakeoff
