// Telemetry from sysfs, where readable: package energy (RAPL powercap,
// Intel and AMD), core clock (cpufreq), package temperature (hwmon
// k10temp/coretemp/zenpower). Virtual machines usually expose none of these;
// then telemetry_read says so with BK_UNSUPPORTED.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <cstring>
#include <string>
#include <vector>

#include "cpu_internal.h"

namespace bk_cpu {
namespace {

namespace fs = std::filesystem;

bool read_number(const std::string& path, double* v) {
    std::ifstream f(path);
    double x = 0;
    if (!(f >> x)) return false;
    *v = x;
    return true;
}

struct Sources {
    std::vector<std::string> energy_uj;  // one per package
    std::vector<double> energy_range_uj;
    std::vector<std::string> freq_khz;   // cpufreq scaling_cur_freq, one per cpu
    std::string temp_mc;                 // hwmon temp input, millidegrees
    std::string description;
};

Sources probe() {
    Sources s;
    std::error_code ec;
    const fs::path powercap("/sys/class/powercap");
    if (fs::exists(powercap, ec)) {
        for (const auto& e : fs::directory_iterator(powercap, ec)) {
            const std::string name = e.path().filename().string();
            // Top-level package domains: intel-rapl:0, intel-rapl:1 (not :0:0 sub-zones).
            if (name.rfind("intel-rapl:", 0) != 0 || name.find(':', 11) != std::string::npos)
                continue;
            double v = 0, range = 0;
            const std::string file = (e.path() / "energy_uj").string();
            if (!read_number(file, &v)) continue;  // usually root-only
            read_number((e.path() / "max_energy_range_uj").string(), &range);
            s.energy_uj.push_back(file);
            s.energy_range_uj.push_back(range);
        }
    }
    for (int cpu = 0;; ++cpu) {
        const std::string f =
            "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/cpufreq/scaling_cur_freq";
        double v = 0;
        if (!read_number(f, &v)) break;
        s.freq_khz.push_back(f);
    }
    const fs::path hwmon("/sys/class/hwmon");
    if (fs::exists(hwmon, ec)) {
        for (const auto& e : fs::directory_iterator(hwmon, ec)) {
            std::ifstream nf(e.path() / "name");
            std::string name;
            nf >> name;
            if (name != "k10temp" && name != "coretemp" && name != "zenpower") continue;
            double v = 0;
            const std::string f = (e.path() / "temp1_input").string();
            if (read_number(f, &v)) {
                s.temp_mc = f;
                break;
            }
        }
    }
    std::string d;
    if (!s.energy_uj.empty()) d += "rapl energy (" + std::to_string(s.energy_uj.size()) + " packages)";
    if (!s.freq_khz.empty()) d += std::string(d.empty() ? "" : ", ") + "cpufreq clock";
    if (!s.temp_mc.empty()) d += std::string(d.empty() ? "" : ", ") + "hwmon temperature";
    s.description = d.empty() ? "none (no readable RAPL, cpufreq or hwmon files)" : d;
    return s;
}

const Sources& sources() {
    static const Sources s = probe();
    return s;
}

// RAPL counters wrap; keep a monotonic sum.
std::mutex g_mu;
std::vector<double> g_last, g_total;
bool g_power_valid = false;
double g_prev_energy = 0;
std::chrono::steady_clock::time_point g_prev_time;

}  // namespace

std::string telemetry_sources() { return sources().description; }

bk_status telemetry_read(bk_telemetry* out) {
    const Sources& s = sources();
    bk_telemetry t{};
    t.struct_size = out->struct_size;
    if (!s.energy_uj.empty()) {
        std::lock_guard<std::mutex> lock(g_mu);
        if (g_last.size() != s.energy_uj.size()) {
            g_last.assign(s.energy_uj.size(), -1);
            g_total.assign(s.energy_uj.size(), 0);
        }
        bool ok = true;
        double joules = 0;
        for (size_t i = 0; i < s.energy_uj.size(); ++i) {
            double v = 0;
            if (!read_number(s.energy_uj[i], &v)) {
                ok = false;
                break;
            }
            if (g_last[i] >= 0) {
                double d = v - g_last[i];
                if (d < 0) d += s.energy_range_uj[i];
                g_total[i] += d;
            }
            g_last[i] = v;
            joules += g_total[i] * 1e-6;
        }
        if (ok) {
            const auto now = std::chrono::steady_clock::now();
            t.energy_j = joules;
            t.valid_mask |= BK_TEL_ENERGY;
            const double dt = std::chrono::duration<double>(now - g_prev_time).count();
            if (g_power_valid && dt > 0.01) {
                t.power_w = (joules - g_prev_energy) / dt;
                t.valid_mask |= BK_TEL_POWER;
            }
            if (!g_power_valid || dt > 0.01) {
                g_prev_energy = joules;
                g_prev_time = now;
                g_power_valid = true;
            }
        }
    }
    if (!s.freq_khz.empty()) {
        double sum = 0;
        int n = 0;
        for (const auto& f : s.freq_khz) {
            double v = 0;
            if (read_number(f, &v)) {
                sum += v;
                ++n;
            }
        }
        if (n) {
            t.core_clock_mhz = sum / n / 1000.0;
            t.valid_mask |= BK_TEL_CORE_CLOCK;
        }
    }
    if (!s.temp_mc.empty()) {
        double v = 0;
        if (read_number(s.temp_mc, &v)) {
            t.temperature_c = v / 1000.0;
            t.valid_mask |= BK_TEL_TEMPERATURE;
        }
    }
    if (t.valid_mask == 0) return fail(BK_UNSUPPORTED, "cpu telemetry: " + s.description);
    const size_t n = std::min<size_t>(out->struct_size, sizeof(bk_telemetry));
    std::memcpy(out, &t, n);
    return BK_OK;
}

}  // namespace bk_cpu
