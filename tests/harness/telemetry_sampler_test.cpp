// The telemetry sampler's arithmetic on synthetic readings (average power,
// energy from the counter or integrated from power, clock range, max
// temperature, throttle union) and the sampler thread against a fake source.
#include "harness/telemetry_sampler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>

using namespace bakeoff;

namespace {

TelemetryReading reading(double t, unsigned mask, double power = 0, double energy = 0, double clock = 0,
                         double temp = 0, std::uint64_t throttle = 0) {
    TelemetryReading r;
    r.t_s = t;
    r.tel.struct_size = sizeof r.tel;
    r.tel.valid_mask = mask;
    r.tel.power_w = power;
    r.tel.energy_j = energy;
    r.tel.core_clock_mhz = clock;
    r.tel.temperature_c = temp;
    r.tel.throttle_reasons = throttle;
    return r;
}

constexpr unsigned kAll = BK_TEL_POWER | BK_TEL_ENERGY | BK_TEL_CORE_CLOCK | BK_TEL_TEMPERATURE | BK_TEL_THROTTLE;

}  // namespace

TEST(TelemetrySummary, EnergyComesFromTheCounterWhenBothEndsHaveIt) {
    // Power readings say ~200 W, but the counter says 500 J over 2 s: the
    // counter wins for energy, the readings give the average power.
    const std::vector<TelemetryReading> r = {reading(0.0, kAll, 100, 1000, 1500, 60, 0),
                                             reading(1.0, kAll, 300, 1200, 1400, 70, 4),
                                             reading(2.0, kAll, 200, 1500, 1600, 65, 8)};
    const TelemetrySummary s = summarize_telemetry(r);
    EXPECT_EQ(s.samples, 3u);
    EXPECT_DOUBLE_EQ(s.duration_s, 2.0);
    ASSERT_TRUE(s.energy_j && s.average_power_w);
    EXPECT_DOUBLE_EQ(*s.energy_j, 500.0);
    EXPECT_EQ(s.energy_source, "counter");
    EXPECT_DOUBLE_EQ(*s.average_power_w, 200.0);
    EXPECT_DOUBLE_EQ(*s.core_clock_mhz_min, 1400.0);
    EXPECT_DOUBLE_EQ(*s.core_clock_mhz_max, 1600.0);
    EXPECT_DOUBLE_EQ(*s.temperature_c_max, 70.0);
    EXPECT_EQ(*s.throttle_reasons, 12u);
}

TEST(TelemetrySummary, WithoutACounterPowerIsIntegratedOverTime) {
    // 100 W for 1 s then ramping to 300 W over 2 s: 100 + (100 + 300) / 2 * 2 = 500 J... by trapezoids:
    // [0,1]: (100+100)/2*1 = 100; [1,3]: (100+300)/2*2 = 400.
    const std::vector<TelemetryReading> r = {reading(0.0, BK_TEL_POWER, 100), reading(1.0, BK_TEL_POWER, 100),
                                             reading(3.0, BK_TEL_POWER, 300)};
    const TelemetrySummary s = summarize_telemetry(r);
    ASSERT_TRUE(s.energy_j);
    EXPECT_DOUBLE_EQ(*s.energy_j, 500.0);
    EXPECT_EQ(s.energy_source, "integrated power");
    EXPECT_NEAR(*s.average_power_w, 500.0 / 3.0, 1e-12);
    EXPECT_FALSE(s.core_clock_mhz_min.has_value());
    EXPECT_FALSE(s.throttle_reasons.has_value());
}

TEST(TelemetrySummary, ACounterThatWentBackwardsIsNotTrusted) {
    const std::vector<TelemetryReading> r = {reading(0.0, BK_TEL_POWER | BK_TEL_ENERGY, 50, 900),
                                             reading(1.0, BK_TEL_POWER | BK_TEL_ENERGY, 50, 100)};
    const TelemetrySummary s = summarize_telemetry(r);
    ASSERT_TRUE(s.energy_j);
    EXPECT_EQ(s.energy_source, "integrated power");
    EXPECT_DOUBLE_EQ(*s.energy_j, 50.0);
}

TEST(TelemetrySummary, EnergyOnlyGivesPowerFromTheCounter) {
    const std::vector<TelemetryReading> r = {reading(0.5, BK_TEL_ENERGY, 0, 10), reading(2.5, BK_TEL_ENERGY, 0, 410)};
    const TelemetrySummary s = summarize_telemetry(r);
    ASSERT_TRUE(s.average_power_w);
    EXPECT_DOUBLE_EQ(*s.average_power_w, 200.0);
}

TEST(TelemetrySummary, OneReadingHasNoEnergy) {
    const TelemetrySummary s = summarize_telemetry({reading(0.0, kAll, 120, 5, 1000, 40)});
    EXPECT_EQ(s.samples, 1u);
    EXPECT_FALSE(s.energy_j.has_value());
    EXPECT_DOUBLE_EQ(*s.average_power_w, 120.0);
    EXPECT_FALSE(summarize_telemetry({}).last.has_value());
}

TEST(TelemetryJson, CarriesTheSummaryAndEnergyPerRun) {
    const std::vector<TelemetryReading> r = {reading(0.0, kAll, 100, 0, 1500, 60), reading(1.0, kAll, 300, 200, 1400, 70)};
    const auto j = telemetry_summary_json(summarize_telemetry(r), 0.01, 4.0, "GFLOP");
    EXPECT_TRUE(j.at("available").get<bool>());
    EXPECT_EQ(j.at("samples").get<int>(), 2);
    EXPECT_DOUBLE_EQ(j.at("average_power_w").get<double>(), 200.0);
    EXPECT_DOUBLE_EQ(j.at("energy_j").get<double>(), 200.0);
    EXPECT_DOUBLE_EQ(j.at("energy_per_run_j").get<double>(), 2.0);   // 200 W x 10 ms
    EXPECT_DOUBLE_EQ(j.at("joules_per_unit").get<double>(), 0.5);    // 2 J / 4 GFLOP
    EXPECT_EQ(j.at("joules_per_unit_unit").get<std::string>(), "J/GFLOP");
    EXPECT_DOUBLE_EQ(j.at("power_w_end").get<double>(), 300.0);
    EXPECT_DOUBLE_EQ(j.at("core_clock_mhz_min").get<double>(), 1400.0);
    EXPECT_DOUBLE_EQ(j.at("temperature_c_max").get<double>(), 70.0);
    const auto none = telemetry_summary_json(summarize_telemetry({}), 0.01, 1, "GB");
    EXPECT_FALSE(none.at("available").get<bool>());
    EXPECT_TRUE(none.contains("reason"));
}

TEST(TelemetrySampler, ReadsAtStartWhileRunningAndAtStop) {
    std::atomic<int> calls{0};
    TelemetrySampler sampler(
        [&]() -> std::optional<bk_telemetry> {
            const int n = calls.fetch_add(1);
            bk_telemetry t{};
            t.struct_size = sizeof t;
            t.valid_mask = BK_TEL_ENERGY | BK_TEL_POWER;
            t.energy_j = 10.0 * n;  // increases with every reading
            t.power_w = 50;
            return t;
        },
        std::chrono::milliseconds(2));
    sampler.start();
    // Wait (without a time bound on the result) until the thread has read at least twice.
    while (calls.load() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const TelemetrySummary s = sampler.stop();
    EXPECT_GE(s.samples, 4u);  // start, >= 2 from the thread, stop
    EXPECT_EQ(s.samples, std::size_t(calls.load()));
    ASSERT_TRUE(s.energy_j);
    EXPECT_DOUBLE_EQ(*s.energy_j, 10.0 * double(s.samples - 1));
    EXPECT_EQ(s.energy_source, "counter");
}

TEST(TelemetrySampler, ABackendWithoutTelemetryGivesNoReadings) {
    TelemetrySampler sampler([]() -> std::optional<bk_telemetry> { return std::nullopt; },
                             std::chrono::milliseconds(1));
    sampler.start();
    const TelemetrySummary s = sampler.stop();
    EXPECT_EQ(s.samples, 0u);
    EXPECT_FALSE(s.last.has_value());
}
