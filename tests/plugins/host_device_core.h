// The host-memory device that the test plugins are built on: fake_backend.cpp
// (fault injection) and tests/mpi/mpi_collectives_plugin.cpp (collectives over
// MPI). It gives them the parts of the ABI that are the same in both: one
// device, buffers in host memory, streams that finish each call before it
// returns, wall-clock events and last_error(). Each plugin adds what is its
// own, such as device_props, supports, launch and collectives.
//
// It is compiled into every plugin .so with hidden visibility. Each plugin
// therefore has its own copy, error state included, and exports nothing but
// its entry point.
#pragma once

#include <bakeoff/backend_abi.h>

#include <chrono>
#include <cstdint>
#include <vector>

// The ABI's opaque handles, defined here so that a plugin's launch or
// collective can read a buffer's bytes directly.
struct bk_device { int index; };
struct bk_buffer { std::vector<unsigned char> bytes; };
struct bk_stream { int unused; };  // work runs inside launch: nothing to queue
struct bk_event { std::chrono::steady_clock::time_point t; };

namespace host_device {

// The memory the device reports. buffer_alloc refuses a larger buffer, so a
// size the harness thinks fits also allocates.
inline constexpr uint64_t kMemoryBytes = 1ull << 30;

// Keeps `why` for last_error() (thread-local, as the ABI asks) and returns s.
bk_status fail(bk_status s, const char* why);

// Checks the device index and fills the properties every test device shares:
// vendor, kind, memory and one compute unit. The caller adds its name, peaks
// and properties.
bk_status describe_device(int32_t index, bk_device_props* p, const char* name);

// Milliseconds between two recorded events, as measured (may be 0).
double measured_ms(const bk_event* start, const bk_event* end);

// A table with abi_version, struct_size, name, version and every entry point
// above filled in. device_props, supports and launch are left NULL for the
// plugin to set (the loader refuses a table that lacks one of them), and so
// are the optional entries.
bk_backend base_table(const char* name);

}  // namespace host_device
