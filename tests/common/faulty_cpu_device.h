// A fixture on the faulty proxy of the CPU backend (tests/plugins/
// faulty_cpu_backend.cpp), loaded as bakeoff's own registry loads plugins:
// the built-in CPU backend first (its init runs OpenMP teams), then the
// plugin, probed in a forked child. BAKEOFF_FAULTY_PAGED=1 plants a wrong
// value in batched PAGED_ATTENTION launches (seqs > 1); it is unset around
// every test.
#pragma once

#include "core/backend.h"
#include "core/plugin_registry.h"
#include "cpu_backend.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <memory>

namespace bakeoff::testing {

class FaultyCpuTest : public ::testing::Test {
protected:
    void SetUp() override {
        unsetenv("BAKEOFF_FAULTY_PAGED");
        ASSERT_TRUE(reg_.add_builtin(bakeoff_cpu_backend()));
        reg_.set_probe_timeout(20);
        // <build>/test-plugins-faulty, beside <build>/test-plugins.
        const auto dir = std::filesystem::path(BAKEOFF_TEST_PLUGIN_DIR).parent_path() / "test-plugins-faulty";
        ASSERT_TRUE(reg_.load_file(dir / "libbakeoff_faulty_cpu.so"))
            << (reg_.refused().empty() ? "" : reg_.refused().back().reason);
        for (const DeviceInfo& d : reg_.devices())
            if (d.id() == "faultycpu:0") info_ = d;
        ASSERT_NE(info_.backend, nullptr) << "no faultycpu device";
        dev_ = std::make_unique<Device>(info_);
    }
    void TearDown() override { unsetenv("BAKEOFF_FAULTY_PAGED"); }

    PluginRegistry reg_;
    DeviceInfo info_;
    std::unique_ptr<Device> dev_;
};

}  // namespace bakeoff::testing
