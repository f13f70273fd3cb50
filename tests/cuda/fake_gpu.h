// For the tests that hand the CUDA plugin's table a device description of
// their own (no GPU): the plugin's table, loaded as the registry loads it, a
// made-up GPU (compute capability and SM count, as device_open would fill
// them), and the supports() answer with its reason.
#pragma once

#include "cuda_internal.h"

#include <dlfcn.h>

#include <string>
#include <utility>

namespace cudatest {

inline const bk_backend* table() {
    static const bk_backend* t = [] {
        void* h = dlopen(BAKEOFF_CUDA_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
        if (!h) return static_cast<const bk_backend*>(nullptr);
        auto entry = reinterpret_cast<bk_entry_fn>(dlsym(h, BK_ENTRY_SYMBOL));
        return entry ? entry() : nullptr;
    }();
    return t;
}

struct FakeGpu {
    bk_device dev;
    FakeGpu(int major, int minor, int sms) {
        dev.index = 0;
        dev.facts.name = "test GPU";
        dev.facts.cc_major = major;
        dev.facts.cc_minor = minor;
        dev.facts.sms = sms;
        dev.facts.max_threads_per_sm = 2048;
    }
};

// The status, with last_error() when it is not BK_OK.
inline std::pair<bk_status, std::string> ask(FakeGpu& g, const bk_op_desc& op) {
    const bk_status s = table()->supports(&g.dev, &op);
    return {s, s == BK_OK ? std::string() : std::string(table()->last_error())};
}

}  // namespace cudatest
