// The built CUDA plugin through its ABI table (dlopen, as the registry loads
// it) and through the bakeoff command. Here there may be no driver or GPU: the
// plugin must still load, initialize and report no devices with the reason.
// Checks that need a device skip without one.
#include "bakeoff/backend_abi.h"
#include "common/command_runner.h"

#include <gtest/gtest.h>
#include <dlfcn.h>

#include <string>

namespace {

struct Loaded {
    void* handle = nullptr;
    const bk_backend* be = nullptr;
    std::string error;
    bk_status init = BK_INTERNAL_ERROR;
    int32_t count = -1;
    std::string reason;
};

const Loaded& plugin() {
    static const Loaded l = [] {
        Loaded r;
        r.handle = dlopen(BAKEOFF_CUDA_PLUGIN_PATH, RTLD_NOW | RTLD_LOCAL);
        if (!r.handle) {
            const char* e = dlerror();
            r.error = e ? e : "dlopen failed";
            return r;
        }
        auto entry = reinterpret_cast<bk_entry_fn>(dlsym(r.handle, BK_ENTRY_SYMBOL));
        if (!entry) {
            r.error = "no entry symbol";
            return r;
        }
        r.be = entry();
        r.init = r.be->init();
        r.count = r.be->device_count();
        if (r.count == 0) r.reason = r.be->last_error();
        return r;
    }();
    return l;
}

bakeoff::testing_support::CommandResult bakeoff_cmd(const std::string& args) {
    static const auto dir = bakeoff::testing_support::scratch_dir("bakeoff-cuda");
    // The plugin is built into the plugin folder beside the binary, where the
    // registry looks by default.
    return bakeoff::testing_support::run_binary(BAKEOFF_BINARY_PATH, dir, "", args);
}

bool no_devices() { return plugin().count == 0; }

}  // namespace

TEST(CudaPlugin, LoadsAndFillsTheWholeTable) {
    const Loaded& p = plugin();
    ASSERT_NE(p.be, nullptr) << p.error;
    EXPECT_EQ(p.be->abi_version, BK_ABI_VERSION);
    EXPECT_EQ(p.be->struct_size, sizeof(bk_backend));
    EXPECT_STREQ(p.be->name, "cuda");
    EXPECT_NE(p.be->host_buffer_alloc, nullptr);
    EXPECT_NE(p.be->telemetry_read, nullptr);
    EXPECT_NE(p.be->op_info, nullptr);
    EXPECT_EQ(p.init, BK_OK) << p.be->last_error();
}

TEST(CudaPlugin, WithoutADeviceCountIsZeroWithTheReason) {
    const Loaded& p = plugin();
    ASSERT_NE(p.be, nullptr) << p.error;
    if (!no_devices()) GTEST_SKIP() << "a CUDA device is present";
    // No driver, no GPU, or a driver older than the runtime: each says which.
    EXPECT_TRUE(p.reason == "no CUDA driver" || p.reason == "no CUDA device" ||
                p.reason.find("is older than the CUDA runtime") != std::string::npos)
        << p.reason;
    // Device-level calls refuse an index that does not exist, with a reason.
    bk_device_props props{};
    props.struct_size = sizeof props;
    EXPECT_EQ(p.be->device_props(0, &props), BK_INVALID_ARGUMENT);
    EXPECT_NE(std::string(p.be->last_error()).find("no CUDA device 0"), std::string::npos);
    bk_device* d = nullptr;
    EXPECT_EQ(p.be->device_open(0, &d), BK_INVALID_ARGUMENT);
    EXPECT_EQ(d, nullptr);
}

TEST(CudaPlugin, CollectivesTableIsCompleteWhenBuiltWithNccl) {
    const Loaded& p = plugin();
    ASSERT_NE(p.be, nullptr) << p.error;
    ASSERT_NE(p.be->collectives, nullptr);
    const bk_collectives* c = p.be->collectives();
    if (!c) GTEST_SKIP() << "built without NCCL";
    EXPECT_NE(std::string(c->library).find("NCCL"), std::string::npos);
    EXPECT_NE(c->unique_id, nullptr);
    EXPECT_NE(c->comm_init, nullptr);
    EXPECT_NE(c->comm_destroy, nullptr);
    EXPECT_NE(c->collective, nullptr);
    // A bad request is refused with a reason, never a crash.
    size_t used = 0;
    char small[4];
    EXPECT_EQ(c->unique_id(small, sizeof small, &used), BK_INVALID_ARGUMENT);
    EXPECT_NE(std::string(p.be->last_error()).find("bytes"), std::string::npos);
}

TEST(CudaCommand, DevicesListsTheBackendWithItsReason) {
    if (!no_devices()) GTEST_SKIP() << "a CUDA device is present";
    const auto r = bakeoff_cmd("devices");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.out.find("backend cuda"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(plugin().reason), std::string::npos) << r.out;
    EXPECT_EQ((r.out + r.err).find("refused"), std::string::npos) << r.out << r.err;
}

TEST(CudaCommand, RunOnCudaWithoutDevicesIsAUsageErrorNamingIt) {
    if (!no_devices()) GTEST_SKIP() << "a CUDA device is present";
    const auto r = bakeoff_cmd("run --device cuda --suite smoke --workload latency --out none.json");
    EXPECT_EQ(r.code, 2) << r.err;
    EXPECT_NE(r.err.find("'cuda'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("backend cuda: " + plugin().reason), std::string::npos) << r.err;
    EXPECT_EQ(bakeoff::testing_support::count_lines(r.err), 1) << r.err;
}

TEST(CudaCommand, ConformanceOnCudaWithoutDevicesIsSkippedSayingWhy) {
    if (!no_devices()) GTEST_SKIP() << "a CUDA device is present";
    const auto r = bakeoff_cmd("conformance --backend cuda");
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("skipped"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("backend cuda: " + plugin().reason), std::string::npos) << r.err;
}
