// Shared fixture for the CPU backend tests: the ABI table, one open device
// and stream, and small helpers for buffers.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "common/op_desc.h"
#include "cpu_backend.h"

namespace cpu_test {

struct Backend {
    const bk_backend* t = nullptr;
    bk_device* dev = nullptr;
    bk_stream* stream = nullptr;
    bk_device_props props{};

    static Backend& get() {
        static Backend b = [] {
            Backend x;
            x.t = bakeoff_cpu_backend();
            if (x.t && x.t->init() == BK_OK && x.t->device_open(0, &x.dev) == BK_OK)
                x.t->stream_create(x.dev, &x.stream);
            x.props.struct_size = sizeof x.props;
            if (x.t && x.dev) x.t->device_props(0, &x.props);
            return x;
        }();
        return b;
    }
    bool ready() const { return t && dev && stream; }
};

// An owned device buffer.
class Buf {
public:
    explicit Buf(uint64_t bytes) {
        Backend& b = Backend::get();
        status_ = b.t->buffer_alloc(b.dev, bytes, &buf_);
    }
    template <class T>
    explicit Buf(const std::vector<T>& host) : Buf(host.size() * sizeof(T)) {
        if (ok() && !host.empty())
            status_ = Backend::get().t->buffer_upload(buf_, 0, host.data(), host.size() * sizeof(T));
    }
    ~Buf() {
        if (buf_) Backend::get().t->buffer_free(buf_);
    }
    Buf(const Buf&) = delete;
    Buf& operator=(const Buf&) = delete;

    bool ok() const { return status_ == BK_OK && buf_; }
    bk_buffer* get() const { return buf_; }
    template <class T>
    std::vector<T> read(size_t count) const {
        std::vector<T> out(count);
        Backend::get().t->buffer_download(buf_, 0, out.data(), count * sizeof(T));
        return out;
    }
    void poison(uint64_t bytes, uint32_t pattern = 0x7fc00000u) {
        Backend::get().t->buffer_fill(buf_, 0, bytes, pattern);
    }

private:
    bk_buffer* buf_ = nullptr;
    bk_status status_ = BK_INTERNAL_ERROR;
};

inline bk_op_desc stream_desc(uint32_t kind, uint32_t dtype, int64_t n, double scalar,
                              uint32_t path = BK_PATH_PORTABLE) {
    return bktest::stream_op_desc(kind, dtype, n, scalar, path);
}

inline bk_op_desc gemm_desc(uint32_t path, uint32_t a, uint32_t b, uint32_t c, int64_t m, int64_t n,
                            int64_t k, bool ta, bool tb, int64_t pad, double alpha, double beta) {
    return bktest::gemm_op_desc(
        path, a, b, c, {m, n, k, (ta ? m : k) + pad, (tb ? k : n) + pad, n + pad, ta, tb, alpha, beta});
}

inline std::string last_error() {
    const char* e = Backend::get().t->last_error();
    return e ? e : "";
}

}  // namespace cpu_test
