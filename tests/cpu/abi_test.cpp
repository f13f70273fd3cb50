// The CPU backend's ABI table, device properties, buffers, streams, events
// and telemetry.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "common/backend_table.h"
#include "cpu_test_util.h"

using cpu_test::Backend;
using cpu_test::Buf;

TEST(CpuAbi, TableIsCompleteAndVersioned) {
    const bk_backend* t = bakeoff_cpu_backend();
    ASSERT_NO_FATAL_FAILURE(bktest::expect_complete_table(t, "cpu"));
    // The same table every time.
    EXPECT_EQ(bakeoff_cpu_backend(), t);
}

TEST(CpuAbi, InitIsIdempotentAndThereIsOneDevice) {
    const bk_backend* t = bakeoff_cpu_backend();
    EXPECT_EQ(t->init(), BK_OK);
    EXPECT_EQ(t->init(), BK_OK);
    EXPECT_EQ(t->device_count(), 1);
    bk_device* dev = nullptr;
    EXPECT_EQ(t->device_open(1, &dev), BK_INVALID_ARGUMENT);
    EXPECT_GT(std::strlen(t->last_error()), 0u);
    EXPECT_EQ(t->device_open(-1, &dev), BK_INVALID_ARGUMENT);
    ASSERT_EQ(t->device_open(0, &dev), BK_OK);
    ASSERT_NE(dev, nullptr);
    t->device_close(dev);
}

TEST(CpuAbi, PropertiesAreSane) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    const bk_device_props& p = b.props;
    EXPECT_GT(std::strlen(p.name), 0u);
    EXPECT_GT(std::strlen(p.vendor), 0u);
    EXPECT_STREQ(p.kind, "cpu");
    EXPECT_GT(p.threads, 0u);
    EXPECT_GT(p.compute_units, 0u);
    EXPECT_GT(p.last_level_cache_bytes, 0u);
    EXPECT_GT(p.memory_bytes, 0u);
    EXPECT_GT(p.memory_free_bytes, 0u);
    EXPECT_LE(p.memory_free_bytes, p.memory_bytes);
    EXPECT_GE(p.clock_mhz, 500.0);
    EXPECT_LE(p.clock_mhz, 7000.0);
    EXPECT_GT(p.peak_gflops[BK_F64], 0.0);
    EXPECT_DOUBLE_EQ(p.peak_gflops[BK_F32], 2 * p.peak_gflops[BK_F64]);
    EXPECT_EQ(p.peak_mem_gbs, 0.0);
    EXPECT_EQ(std::string(p.peak_basis).rfind("estimate", 0), 0u) << p.peak_basis;
    const std::string libs = p.library_versions;
    EXPECT_NE(libs.find("OpenBLAS"), std::string::npos) << libs;
    EXPECT_NE(libs.find("oneDNN"), std::string::npos) << libs;
    const std::string props = p.properties;
    for (const char* key : {"isa=", "l1d_bytes=", "l2_bytes=", "l3_bytes=", "numa_nodes=",
                            "openblas_core=", "openblas_env_override=", "nt_stores=",
                            "clock_basis=", "fma_units=", "vector_bits=", "omp_binding="})
        EXPECT_NE(props.find(std::string("\n") + key), std::string::npos) << key << "\n" << props;
    // Every property line is key=value.
    size_t start = 0;
    while (start < props.size()) {
        const size_t end = props.find('\n', start);
        const std::string line = props.substr(start, end - start);
        EXPECT_NE(line.find('='), std::string::npos) << line;
        if (end == std::string::npos) break;
        start = end + 1;
    }
}

TEST(CpuAbi, PropsHonourStructSize) {
    const bk_backend* t = bakeoff_cpu_backend();
    // A caller that knows only the first members: nothing past them is written.
    std::vector<unsigned char> raw(sizeof(bk_device_props), 0xab);
    const uint32_t small = offsetof(bk_device_props, vendor);
    std::memcpy(raw.data(), &small, sizeof small);
    ASSERT_EQ(t->device_props(0, reinterpret_cast<bk_device_props*>(raw.data())), BK_OK);
    for (size_t i = small; i < raw.size(); ++i) ASSERT_EQ(raw[i], 0xab) << "byte " << i;
    EXPECT_GT(std::strlen(reinterpret_cast<const char*>(raw.data()) + offsetof(bk_device_props, name)),
              0u);
    EXPECT_EQ(t->device_props(0, nullptr), BK_INVALID_ARGUMENT);
    bk_device_props p{};
    p.struct_size = sizeof p;
    EXPECT_EQ(t->device_props(3, &p), BK_INVALID_ARGUMENT);
}

TEST(CpuAbi, BuffersRoundTripFillAndCheckRanges) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    for (uint64_t bytes : {uint64_t(4), uint64_t(4096 + 12), uint64_t(6) << 20}) {
        Buf buf(bytes);
        ASSERT_TRUE(buf.ok()) << bytes;
        std::vector<unsigned char> in(bytes), out(bytes);
        for (size_t i = 0; i < in.size(); ++i) in[i] = static_cast<unsigned char>(i * 31 + 7);
        ASSERT_EQ(b.t->buffer_upload(buf.get(), 0, in.data(), bytes), BK_OK);
        ASSERT_EQ(b.t->buffer_download(buf.get(), 0, out.data(), bytes), BK_OK);
        EXPECT_EQ(in, out);
        // Fill a sub-range at an odd offset; the rest is untouched.
        const uint64_t off = bytes > 8 ? 3 : 0, len = (bytes - off) / 4 * 4;
        ASSERT_EQ(b.t->buffer_fill(buf.get(), off, len, 0x11223344u), BK_OK);
        ASSERT_EQ(b.t->buffer_download(buf.get(), 0, out.data(), bytes), BK_OK);
        const unsigned char pat[4] = {0x44, 0x33, 0x22, 0x11};
        for (uint64_t i = 0; i < bytes; ++i) {
            const unsigned char want = i >= off && i < off + len ? pat[(i - off) % 4] : in[i];
            ASSERT_EQ(out[i], want) << "byte " << i << " of " << bytes;
        }
        EXPECT_EQ(b.t->buffer_upload(buf.get(), 1, in.data(), bytes), BK_INVALID_ARGUMENT);
        EXPECT_GT(cpu_test::last_error().size(), 0u);
        EXPECT_EQ(b.t->buffer_download(buf.get(), bytes, out.data(), 1), BK_INVALID_ARGUMENT);
        EXPECT_EQ(b.t->buffer_download(buf.get(), UINT64_MAX, out.data(), 2), BK_INVALID_ARGUMENT);
        EXPECT_EQ(b.t->buffer_fill(buf.get(), 0, 3, 0), BK_INVALID_ARGUMENT);
        EXPECT_EQ(b.t->buffer_upload(buf.get(), 0, nullptr, 4), BK_INVALID_ARGUMENT);
    }
    EXPECT_EQ(b.t->buffer_upload(nullptr, 0, nullptr, 0), BK_INVALID_ARGUMENT);
}

TEST(CpuAbi, HugeAllocationFailsCleanly) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    bk_buffer* buf = nullptr;
    EXPECT_EQ(b.t->buffer_alloc(b.dev, uint64_t(1) << 62, &buf), BK_OUT_OF_MEMORY);
    EXPECT_EQ(buf, nullptr);
    EXPECT_NE(cpu_test::last_error().find("buffer_alloc"), std::string::npos);
    EXPECT_EQ(b.t->buffer_alloc(nullptr, 64, &buf), BK_INVALID_ARGUMENT);
}

TEST(CpuAbi, EventsMeasureElapsedTime) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    bk_event *e0 = nullptr, *e1 = nullptr;
    ASSERT_EQ(b.t->event_create(b.dev, &e0), BK_OK);
    ASSERT_EQ(b.t->event_create(b.dev, &e1), BK_OK);
    double ms = -1;
    EXPECT_EQ(b.t->event_elapsed_ms(e0, e1, &ms), BK_INVALID_ARGUMENT);  // never recorded
    ASSERT_EQ(b.t->event_record(e0, b.stream), BK_OK);
    volatile double sink = 0;
    for (int i = 0; i < 2000000; ++i) sink = sink + std::sqrt(static_cast<double>(i));
    ASSERT_EQ(b.t->event_record(e1, b.stream), BK_OK);
    ASSERT_EQ(b.t->stream_sync(b.stream), BK_OK);
    ASSERT_EQ(b.t->event_elapsed_ms(e0, e1, &ms), BK_OK);
    EXPECT_GT(ms, 0.0);
    EXPECT_LT(ms, 10000.0);
    EXPECT_EQ(b.t->event_record(e0, nullptr), BK_INVALID_ARGUMENT);
    EXPECT_EQ(b.t->stream_sync(nullptr), BK_INVALID_ARGUMENT);
    b.t->event_destroy(e0);
    b.t->event_destroy(e1);
}

TEST(CpuAbi, TelemetryReadsOrSaysWhyNot) {
    Backend& b = Backend::get();
    ASSERT_TRUE(b.ready());
    ASSERT_NE(b.t->telemetry_read, nullptr);
    bk_telemetry tel{};
    tel.struct_size = sizeof tel;
    const bk_status st = b.t->telemetry_read(b.dev, &tel);
    if (st == BK_OK) {
        EXPECT_NE(tel.valid_mask, 0u);
        if (tel.valid_mask & BK_TEL_ENERGY) {
            EXPECT_GE(tel.energy_j, 0.0);
        }
    } else {
        EXPECT_EQ(st, BK_UNSUPPORTED);
        EXPECT_GT(cpu_test::last_error().size(), 0u);
    }
}
