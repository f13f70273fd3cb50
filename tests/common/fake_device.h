// A fixture on the test-only fake backend's device (tests/plugins, loaded from
// the test plugin folder), with a short time budget, for tests that run cases
// on it in-process. The fake's misbehaviour is chosen by BAKEOFF_FAKE_MODE.
#pragma once

#include "core/backend.h"
#include "core/plugin_registry.h"
#include "harness/runner.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

namespace bakeoff::testing {

class FakeDeviceTest : public ::testing::Test {
protected:
    void SetUp() override {
        ASSERT_TRUE(reg_.load_file(std::filesystem::path(BAKEOFF_TEST_PLUGIN_DIR) / "libbakeoff_fake.so"));
        info_ = reg_.devices().at(0);
        dev_ = std::make_unique<Device>(info_);
        opts_.time_budget_s = 0.01;
    }

    PluginRegistry reg_;
    DeviceInfo info_;
    std::unique_ptr<Device> dev_;
    RunOptions opts_;
};

}  // namespace bakeoff::testing
