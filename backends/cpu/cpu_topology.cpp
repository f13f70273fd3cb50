// Host topology (hwloc): packages, cores, hardware threads, NUMA nodes,
// caches, and the cores this process may run on; memory from /proc/meminfo
// and the cgroup limit.
#include "cpu_internal.h"

#include <hwloc.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

namespace bk_cpu {
namespace {

uint64_t cache_size(hwloc_topology_t topo, hwloc_obj_type_t type) {
    const int n = hwloc_get_nbobjs_by_type(topo, type);
    for (int i = 0; i < n; ++i) {
        hwloc_obj_t o = hwloc_get_obj_by_type(topo, type, static_cast<unsigned>(i));
        if (o && o->attr && o->attr->cache.type != HWLOC_OBJ_CACHE_INSTRUCTION)
            return o->attr->cache.size;
    }
    return 0;
}

void fallback(HostInfo& h, const std::string& why) {
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    h.cores = h.pus = n > 0 ? static_cast<unsigned>(n) : 1;
    h.packages = h.numa_nodes = 1;
#ifdef _SC_LEVEL1_DCACHE_SIZE
    const long l1 = sysconf(_SC_LEVEL1_DCACHE_SIZE), l2 = sysconf(_SC_LEVEL2_CACHE_SIZE),
               l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
    h.l1d_bytes = l1 > 0 ? static_cast<uint64_t>(l1) : 0;
    h.l2_bytes = l2 > 0 ? static_cast<uint64_t>(l2) : 0;
    h.l3_bytes = l3 > 0 ? static_cast<uint64_t>(l3) : 0;
#endif
    h.llc_level = h.l3_bytes ? 3 : 2;
    h.llc_instances = 1;
    h.llc_total_bytes = h.l3_bytes ? h.l3_bytes : h.l2_bytes;
    h.source = "sysconf (" + why + ")";
}

HostInfo probe() {
    HostInfo h;
    hwloc_topology_t topo = nullptr;
    if (hwloc_topology_init(&topo) != 0) {
        fallback(h, "hwloc_topology_init failed");
        return h;
    }
    if (hwloc_topology_load(topo) != 0) {
        hwloc_topology_destroy(topo);
        fallback(h, "hwloc_topology_load failed");
        return h;
    }
    // hwloc 2 keeps only the resources this process is allowed to use.
    auto count = [&](hwloc_obj_type_t t) {
        const int n = hwloc_get_nbobjs_by_type(topo, t);
        return n > 0 ? static_cast<unsigned>(n) : 0u;
    };
    h.packages = count(HWLOC_OBJ_PACKAGE);
    h.cores = count(HWLOC_OBJ_CORE);
    h.pus = count(HWLOC_OBJ_PU);
    h.numa_nodes = count(HWLOC_OBJ_NUMANODE);
    if (h.cores == 0) h.cores = h.pus;
    h.l1d_bytes = cache_size(topo, HWLOC_OBJ_L1CACHE);
    h.l2_bytes = cache_size(topo, HWLOC_OBJ_L2CACHE);
    h.l3_bytes = cache_size(topo, HWLOC_OBJ_L3CACHE);
    const hwloc_obj_type_t levels[] = {HWLOC_OBJ_L5CACHE, HWLOC_OBJ_L4CACHE, HWLOC_OBJ_L3CACHE,
                                       HWLOC_OBJ_L2CACHE, HWLOC_OBJ_L1CACHE};
    const unsigned level_no[] = {5, 4, 3, 2, 1};
    for (int li = 0; li < 5; ++li) {
        const int n = hwloc_get_nbobjs_by_type(topo, levels[li]);
        if (n <= 0) continue;
        h.llc_level = level_no[li];
        h.llc_instances = static_cast<unsigned>(n);
        for (int i = 0; i < n; ++i) {
            hwloc_obj_t o = hwloc_get_obj_by_type(topo, levels[li], static_cast<unsigned>(i));
            if (o && o->attr) h.llc_total_bytes += o->attr->cache.size;
        }
        break;
    }
    const hwloc_obj_type_t place_type = h.cores ? HWLOC_OBJ_CORE : HWLOC_OBJ_PU;
    const int places = hwloc_get_nbobjs_by_type(topo, place_type);
    for (int i = 0; i < places; ++i) {
        hwloc_obj_t o = hwloc_get_obj_by_type(topo, place_type, static_cast<unsigned>(i));
        if (!o || !o->cpuset) continue;
        cpu_set_t set;
        CPU_ZERO(&set);
        int id = 0;
        bool any = false;
        hwloc_bitmap_foreach_begin(id, o->cpuset) {
            if (id >= 0 && id < CPU_SETSIZE) {
                CPU_SET(id, &set);
                any = true;
            }
        }
        hwloc_bitmap_foreach_end();
        if (any) h.core_sets.push_back(set);
    }
#ifdef HWLOC_VERSION
    h.source = "hwloc " HWLOC_VERSION;  // the version built against (API is stable in 2.x)
#else
    const unsigned v = hwloc_get_api_version();
    h.source = "hwloc API " + std::to_string(v >> 16) + "." + std::to_string((v >> 8) & 0xff);
#endif
    hwloc_topology_destroy(topo);
    return h;
}

uint64_t read_u64_file(const std::string& path, bool* ok) {
    std::ifstream f(path);
    std::string s;
    *ok = false;
    if (!(f >> s) || s.empty() || s == "max") return 0;
    try {
        *ok = true;
        return std::stoull(s);
    } catch (...) {
        *ok = false;
        return 0;
    }
}

}  // namespace

const HostInfo& host_info() {
    static const HostInfo info = probe();
    return info;
}

MemInfo mem_info() {
    MemInfo m;
    std::ifstream f("/proc/meminfo");
    std::string key;
    uint64_t value = 0;
    std::string unit;
    std::string line;
    while (std::getline(f, line)) {
        std::istringstream is(line);
        if (!(is >> key >> value)) continue;
        if (key == "MemTotal:") m.total = value * 1024;
        if (key == "MemAvailable:") m.available = value * 1024;
    }
    // A cgroup v2 limit is the real ceiling inside a container.
    std::ifstream cg("/proc/self/cgroup");
    while (std::getline(cg, line)) {
        if (line.rfind("0::", 0) != 0) continue;
        const std::string dir = "/sys/fs/cgroup" + line.substr(3);
        bool ok_max = false, ok_cur = false;
        const uint64_t limit = read_u64_file(dir + "/memory.max", &ok_max);
        const uint64_t used = read_u64_file(dir + "/memory.current", &ok_cur);
        if (ok_max && limit > 0 && (m.total == 0 || limit < m.total)) {
            m.total = limit;
            const uint64_t left = ok_cur && used < limit ? limit - used : 0;
            if (ok_cur && (m.available == 0 || left < m.available)) m.available = left;
            m.note = "cgroup limit " + human_bytes(limit);
        }
    }
    return m;
}

std::string human_bytes(uint64_t bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = static_cast<double>(bytes);
    int u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        ++u;
    }
    char buf[32];
    if (v == static_cast<double>(static_cast<uint64_t>(v)))
        std::snprintf(buf, sizeof buf, "%.0f %s", v, units[u]);
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
    return buf;
}

}  // namespace bk_cpu
