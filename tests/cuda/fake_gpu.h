// For the tests that hand the CUDA plugin's table a device description of
// their own (no GPU): the plugin's table, loaded as the registry loads it, a
// made-up GPU (compute capability and SM count, as device_open would fill
// them), the supports() answer with its reason, and streams, buffers and
// launches on that GPU.
#pragma once

#include "cuda_internal.h"

#include <dlfcn.h>

#include <string>
#include <utility>
#include <vector>

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

// A stream and buffers of the fake GPU for launch()'s operand checks, which
// run before anything touches a GPU.
inline bk_stream stream_for(FakeGpu& g) {
    bk_stream s;
    s.dev = &g.dev;
    return s;
}

inline bk_buffer buffer(FakeGpu& g, uint64_t bytes, MemKind kind = MemKind::device) {
    bk_buffer b;
    b.dev = &g.dev;
    b.bytes = bytes;
    b.kind = kind;
    return b;
}

inline std::pair<bk_status, std::string> launch(bk_stream& s, const bk_op_desc& op, std::vector<bk_buffer*> ops) {
    const bk_status st = table()->launch(&s, &op, ops.data(), uint32_t(ops.size()));
    return {st, std::string(table()->last_error())};
}

}  // namespace cudatest
