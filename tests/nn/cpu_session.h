// The CPU backend's ABI table with one device and one stream open, for tests
// that drive ops through the table directly.
#pragma once

#include "cpu_backend.h"

struct CpuSession {
    const bk_backend* t = bakeoff_cpu_backend();
    bk_device* dev = nullptr;
    bk_stream* s = nullptr;
    CpuSession() {
        t->init();
        t->device_open(0, &dev);
        t->stream_create(dev, &s);
    }
    ~CpuSession() {
        t->stream_destroy(s);
        t->device_close(dev);
    }
    CpuSession(const CpuSession&) = delete;
    CpuSession& operator=(const CpuSession&) = delete;
};
