// Shared helpers for the OpenCL plugin tests: load the built plugin once per
// process (dlopen, like the core's registry), open device 0, RAII buffers,
// descriptor builders, and a seeded random source.
#pragma once

#include "bakeoff/backend_abi.h"
#include "common/op_desc.h"

#include <gtest/gtest.h>

#include <dlfcn.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace bkocl {

struct Plugin {
    void* handle = nullptr;
    const bk_backend* be = nullptr;
    std::string load_error;  // set when the plugin could not be loaded
    bk_status init_status = BK_INTERNAL_ERROR;
    int32_t count = 0;
    std::string count_note;  // last_error() after device_count() == 0
};

inline Plugin& plugin() {
    static Plugin p = [] {
        Plugin r;
        r.handle = dlopen(BAKEOFF_OPENCL_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
        if (!r.handle) {
            const char* e = dlerror();
            r.load_error = std::string("dlopen: ") + (e ? e : "?");
            return r;
        }
        auto entry = reinterpret_cast<bk_entry_fn>(dlsym(r.handle, BK_ENTRY_SYMBOL));
        if (!entry) {
            r.load_error = "no " BK_ENTRY_SYMBOL " symbol";
            return r;
        }
        r.be = entry();
        if (!r.be) {
            r.load_error = "entry returned NULL";
            return r;
        }
        r.init_status = r.be->init();
        r.count = r.be->device_count();
        if (r.count == 0) r.count_note = r.be->last_error();
        return r;
    }();
    return p;
}

inline const bk_backend* be() { return plugin().be; }

// Fails the test when the plugin does not load; skips it without a device.
#define BKOCL_REQUIRE_DEVICE()                                                              \
    do {                                                                                    \
        ASSERT_NE(::bkocl::plugin().be, nullptr) << ::bkocl::plugin().load_error;            \
        ASSERT_EQ(::bkocl::plugin().init_status, BK_OK);                                    \
        if (::bkocl::plugin().count == 0)                                                   \
            GTEST_SKIP() << "no OpenCL device: " << ::bkocl::plugin().count_note;           \
    } while (0)

// Device 0, opened once per process and shared by the tests.
inline bk_device* device() {
    static bk_device* d = [] {
        bk_device* r = nullptr;
        if (be() && plugin().count > 0 && be()->device_open(0, &r) != BK_OK) r = nullptr;
        return r;
    }();
    return d;
}

inline bk_device_props props(int32_t index = 0) {
    bk_device_props p;
    std::memset(&p, 0, sizeof p);
    p.struct_size = sizeof p;
    be()->device_props(index, &p);
    return p;
}

inline bool has_fp64() {
    return std::string(props().properties).find("fp64=yes") != std::string::npos;
}

class Buffer {
public:
    Buffer(bk_device* d, uint64_t bytes) : bytes_(bytes) {
        status_ = be()->buffer_alloc(d, bytes, &b_);
    }
    ~Buffer() {
        if (b_) be()->buffer_free(b_);
    }
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;
    bk_buffer* get() const { return b_; }
    bk_status status() const { return status_; }
    template <class T>
    bk_status upload(const std::vector<T>& v) {
        return be()->buffer_upload(b_, 0, v.data(), v.size() * sizeof(T));
    }
    template <class T>
    std::vector<T> download(size_t count) {
        std::vector<T> v(count);
        EXPECT_EQ(be()->buffer_download(b_, 0, v.data(), count * sizeof(T)), BK_OK) << be()->last_error();
        return v;
    }
    bk_status fill(uint32_t pattern) { return be()->buffer_fill(b_, 0, bytes_, pattern); }

private:
    bk_buffer* b_ = nullptr;
    uint64_t bytes_ = 0;
    bk_status status_ = BK_INTERNAL_ERROR;
};

struct Stream {
    bk_stream* s = nullptr;
    explicit Stream(bk_device* d) { EXPECT_EQ(be()->stream_create(d, &s), BK_OK) << be()->last_error(); }
    ~Stream() {
        if (s) be()->stream_destroy(s);
    }
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;
};

struct Event {
    bk_event* e = nullptr;
    explicit Event(bk_device* d) { EXPECT_EQ(be()->event_create(d, &e), BK_OK) << be()->last_error(); }
    ~Event() {
        if (e) be()->event_destroy(e);
    }
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;
};

// device_open(0) with `var` set to `value` for the open only (the plugin reads
// its environment settings when it opens a device).
inline bk_status open_device_with_env(const char* var, const char* value, bk_device** d) {
    setenv(var, value, 1);
    *d = nullptr;
    const bk_status st = be()->device_open(0, d);
    unsetenv(var);
    return st;
}

inline bk_op_desc stream_desc(bk_op_kind kind, bk_dtype t, int64_t n, double scalar = 0.0) {
    return bktest::stream_op_desc(kind, t, n, scalar);
}

inline bk_op_desc gemm_desc(bk_dtype in, bk_dtype out, int64_t m, int64_t n, int64_t k, bool ta = false,
                            bool tb = false, double alpha = 1.0, double beta = 0.0) {
    return bktest::gemm_op_desc(BK_PATH_PORTABLE, in, in, out,
                                {m, n, k, std::max<int64_t>(1, ta ? m : k), std::max<int64_t>(1, tb ? k : n),
                                 std::max<int64_t>(1, n), ta, tb, alpha, beta});
}

template <class T>
std::vector<T> random_vector(size_t n, uint64_t seed, double lo = -1.0, double hi = 1.0) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> dist(lo, hi);
    std::vector<T> v(n);
    for (auto& x : v) x = static_cast<T>(dist(rng));
    return v;
}

template <class T>
bool same_bits(T a, T b) {
    return std::memcmp(&a, &b, sizeof a) == 0;
}

}  // namespace bkocl
