// The checks every backend's ABI table must pass, whichever test loads it
// (tests/cpu links the CPU backend, tests/opencl dlopens its plugin).
#pragma once

#include "bakeoff/backend_abi.h"

#include <gtest/gtest.h>

#include <cstring>
#include <iterator>

namespace bktest {

// The table's version, size, name and version string, and every REQUIRED
// member (all but shutdown, op_info, telemetry_read) set.
inline void expect_complete_table(const bk_backend* t, const char* name) {
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(t->abi_version, BK_ABI_VERSION);
    EXPECT_EQ(t->struct_size, sizeof(bk_backend));
    ASSERT_NE(t->name, nullptr);
    EXPECT_STREQ(t->name, name);
    ASSERT_NE(t->version, nullptr);
    EXPECT_GT(std::strlen(t->version), 0u);
    const void* required[] = {
        reinterpret_cast<const void*>(t->init),           reinterpret_cast<const void*>(t->device_count),
        reinterpret_cast<const void*>(t->device_props),   reinterpret_cast<const void*>(t->device_open),
        reinterpret_cast<const void*>(t->device_close),   reinterpret_cast<const void*>(t->buffer_alloc),
        reinterpret_cast<const void*>(t->buffer_free),    reinterpret_cast<const void*>(t->buffer_upload),
        reinterpret_cast<const void*>(t->buffer_download), reinterpret_cast<const void*>(t->buffer_fill),
        reinterpret_cast<const void*>(t->stream_create),  reinterpret_cast<const void*>(t->stream_destroy),
        reinterpret_cast<const void*>(t->stream_sync),    reinterpret_cast<const void*>(t->event_create),
        reinterpret_cast<const void*>(t->event_destroy),  reinterpret_cast<const void*>(t->event_record),
        reinterpret_cast<const void*>(t->event_elapsed_ms), reinterpret_cast<const void*>(t->supports),
        reinterpret_cast<const void*>(t->launch),         reinterpret_cast<const void*>(t->last_error),
    };
    for (size_t i = 0; i < std::size(required); ++i) EXPECT_NE(required[i], nullptr) << "required member " << i;
}

}  // namespace bktest
