// The device every test plugin reports: the SDK's host-memory device
// (include/bakeoff/host_device.h) with 1 GiB, so the harness sizes its
// buffers to fit and a size it thinks fits also allocates.
#pragma once

#include <bakeoff/host_device.h>

inline bk_host::DeviceInfo test_device(const char* name) {
    bk_host::DeviceInfo d;
    d.name = name;
    d.vendor = "bakeoff tests";
    d.kind = "accelerator";
    d.memory_bytes = 1ull << 30;
    return d;
}
