// Timing events: a bracket [record, launches, record] gives a positive time
// that grows with the work and agrees with the host's clock, with marker
// timing (the default where the device's markers carry timestamps) and with
// the kernel-event fallback (BAKEOFF_OPENCL_TIMING=kernels).
#include "opencl_plugin.h"

#include <chrono>
#include <cstdlib>

using namespace bkocl;

namespace {

struct Bracket {
    double device_ms = 0.0;
    double host_ms = 0.0;
};

// Times `reps` triads of n floats on a fresh stream of d.
Bracket time_triad(bk_device* d, int64_t n, int reps) {
    Bracket r;
    Stream s(d);
    Event e0(d), e1(d);
    const size_t bytes = static_cast<size_t>(n) * sizeof(float);
    Buffer a(d, bytes), b(d, bytes), c(d, bytes);
    EXPECT_EQ(a.fill(0x3F800000u), BK_OK);
    EXPECT_EQ(b.fill(0x40000000u), BK_OK);
    EXPECT_EQ(c.fill(0xFFFFFFFFu), BK_OK);
    const bk_op_desc op = stream_desc(BK_OP_TRIAD, BK_F32, n, 3.0);
    bk_buffer* ops[3] = {a.get(), b.get(), c.get()};
    // Warm-up: compiles the kernel for this work-group size where the
    // implementation does that at first launch.
    EXPECT_EQ(be()->launch(s.s, &op, ops, 3), BK_OK) << be()->last_error();
    EXPECT_EQ(be()->stream_sync(s.s), BK_OK);
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_EQ(be()->event_record(e0.e, s.s), BK_OK) << be()->last_error();
    for (int i = 0; i < reps; ++i) EXPECT_EQ(be()->launch(s.s, &op, ops, 3), BK_OK) << be()->last_error();
    EXPECT_EQ(be()->event_record(e1.e, s.s), BK_OK) << be()->last_error();
    EXPECT_EQ(be()->stream_sync(s.s), BK_OK);
    r.host_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    EXPECT_EQ(be()->event_elapsed_ms(e0.e, e1.e, &r.device_ms), BK_OK) << be()->last_error();
    const auto out = c.download<float>(1);
    EXPECT_EQ(out[0], 7.0f);
    return r;
}

void check_timing(bk_device* d) {
    const int64_t small = int64_t{1} << 12, large = int64_t{1} << 22;
    // The fastest of three brackets each: on a shared, noisy host interference
    // only ever adds time.
    auto fastest = [&](int64_t n, int reps) {
        std::vector<Bracket> v;
        for (int i = 0; i < 3; ++i) v.push_back(time_triad(d, n, reps));
        std::sort(v.begin(), v.end(), [](const Bracket& x, const Bracket& y) { return x.device_ms < y.device_ms; });
        return v[0];
    };
    const Bracket s = fastest(small, 4), l = fastest(large, 4), l1 = fastest(large, 1);
    EXPECT_GT(s.device_ms, 0.0);
    EXPECT_GT(l.device_ms, 0.0);
    // 1024x the bytes: at least 8x the time on any device.
    EXPECT_GT(l.device_ms, 8.0 * s.device_ms) << "small " << s.device_ms << " ms, large " << l.device_ms << " ms";
    // Four launches in the bracket take clearly longer than one: the whole
    // bracket is timed, not one kernel of it.
    EXPECT_GT(l.device_ms, 2.0 * l1.device_ms) << "4 launches " << l.device_ms << " ms, 1 launch " << l1.device_ms;
    // The device's interval lies within the host's (plus clock slack) and, for
    // the large bracket, is not a small fraction of it (units are right).
    EXPECT_LE(l.device_ms, l.host_ms * 1.05 + 0.5) << "host " << l.host_ms << " ms";
    EXPECT_GE(l.device_ms, l.host_ms * 0.1) << "host " << l.host_ms << " ms";
}

std::string op_info_of(bk_device* d) {
    char buf[512] = {0};
    const bk_op_desc op = stream_desc(BK_OP_TRIAD, BK_F32, 1024, 3.0);
    EXPECT_EQ(be()->op_info(d, &op, buf, sizeof buf), BK_OK) << be()->last_error();
    return buf;
}

// d's op_info names its timing (`says`), and that timing grows with the work.
void expect_timing(bk_device* d, const char* says) {
    const std::string info = op_info_of(d);
    EXPECT_NE(info.find(says), std::string::npos) << info;
    check_timing(d);
}

}  // namespace

TEST(OpenclTiming, DefaultTimingGrowsWithWork) {
    BKOCL_REQUIRE_DEVICE();
    ASSERT_NE(device(), nullptr);
    expect_timing(device(), "timing: ");
}

TEST(OpenclTiming, MarkerTimingGrowsWithWork) {
    BKOCL_REQUIRE_DEVICE();
    bk_device* d = nullptr;
    ASSERT_EQ(open_device_with_env("BAKEOFF_OPENCL_TIMING", "markers", &d), BK_OK) << be()->last_error();
    expect_timing(d, "timing: marker events");
    be()->device_close(d);
}

TEST(OpenclTiming, KernelEventFallbackGrowsWithWork) {
    BKOCL_REQUIRE_DEVICE();
    bk_device* d = nullptr;
    ASSERT_EQ(open_device_with_env("BAKEOFF_OPENCL_TIMING", "kernels", &d), BK_OK) << be()->last_error();
    expect_timing(d, "timing: kernel events");
    {
        // An empty bracket is 0 ms; a dot (two kernels) is timed across both.
        Stream s(d);
        Event e0(d), e1(d), e2(d);
        ASSERT_EQ(be()->event_record(e0.e, s.s), BK_OK);
        ASSERT_EQ(be()->event_record(e1.e, s.s), BK_OK);
        Buffer a(d, 1 << 22), b(d, 1 << 22), c(d, 64);
        ASSERT_EQ(a.fill(0x3F800000u), BK_OK);
        ASSERT_EQ(b.fill(0x3F800000u), BK_OK);
        const bk_op_desc dot = stream_desc(BK_OP_DOT, BK_F32, 1 << 20);
        bk_buffer* ops[3] = {a.get(), b.get(), c.get()};
        ASSERT_EQ(be()->launch(s.s, &dot, ops, 3), BK_OK) << be()->last_error();
        ASSERT_EQ(be()->event_record(e2.e, s.s), BK_OK);
        ASSERT_EQ(be()->stream_sync(s.s), BK_OK);
        double ms = -1.0;
        ASSERT_EQ(be()->event_elapsed_ms(e0.e, e1.e, &ms), BK_OK) << be()->last_error();
        EXPECT_EQ(ms, 0.0);
        ASSERT_EQ(be()->event_elapsed_ms(e1.e, e2.e, &ms), BK_OK) << be()->last_error();
        EXPECT_GT(ms, 0.0);
        EXPECT_EQ(c.download<float>(1)[0], static_cast<float>(1 << 20));
    }
    be()->device_close(d);
}

TEST(OpenclTiming, EventMisuseIsAnInvalidArgument) {
    BKOCL_REQUIRE_DEVICE();
    bk_device* d = device();
    Stream s(d);
    Event e0(d), e1(d);
    double ms = 0.0;
    EXPECT_EQ(be()->event_elapsed_ms(e0.e, e1.e, &ms), BK_INVALID_ARGUMENT) << "never recorded";
    EXPECT_GT(std::strlen(be()->last_error()), 0u);
    ASSERT_EQ(be()->event_record(e0.e, s.s), BK_OK);
    EXPECT_EQ(be()->event_elapsed_ms(e0.e, e1.e, &ms), BK_INVALID_ARGUMENT) << "end never recorded";
    EXPECT_EQ(be()->event_elapsed_ms(e0.e, e0.e, nullptr), BK_INVALID_ARGUMENT);
    EXPECT_EQ(be()->event_record(nullptr, s.s), BK_INVALID_ARGUMENT);
    // Re-recording replaces the earlier record.
    ASSERT_EQ(be()->event_record(e1.e, s.s), BK_OK);
    ASSERT_EQ(be()->event_record(e0.e, s.s), BK_OK);
    ASSERT_EQ(be()->event_record(e1.e, s.s), BK_OK);
    ASSERT_EQ(be()->stream_sync(s.s), BK_OK);
    ASSERT_EQ(be()->event_elapsed_ms(e0.e, e1.e, &ms), BK_OK) << be()->last_error();
    EXPECT_GE(ms, 0.0);
    // An event of another opened device.
    bk_device* other = nullptr;
    ASSERT_EQ(be()->device_open(0, &other), BK_OK);
    {
        Event foreign(other);
        EXPECT_EQ(be()->event_record(foreign.e, s.s), BK_INVALID_ARGUMENT);
        EXPECT_EQ(be()->event_elapsed_ms(e0.e, foreign.e, &ms), BK_INVALID_ARGUMENT);
    }
    be()->device_close(other);
}
