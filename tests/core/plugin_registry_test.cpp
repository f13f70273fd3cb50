#include "core/plugin_registry.h"
#include "cpu/cpu_backend.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>

using namespace bakeoff;

namespace {
const std::filesystem::path kDir = BAKEOFF_TEST_PLUGIN_DIR;

const RefusedPlugin* refusal_for(const PluginRegistry& reg, const std::string& file) {
    for (const auto& r : reg.refused())
        if (std::filesystem::path(r.origin).filename() == file) return &r;
    return nullptr;
}
}  // namespace

TEST(PluginRegistry, LoadsAWellFormedPlugin) {
    PluginRegistry reg;
    ASSERT_TRUE(reg.load_file(kDir / "libbakeoff_fake.so"));
    ASSERT_NE(reg.find("fake"), nullptr);
    auto devs = reg.devices();
    ASSERT_EQ(devs.size(), 1u);
    EXPECT_EQ(devs[0].id(), "fake:0");
    EXPECT_STREQ(devs[0].props.name, "fake host-memory device");
    EXPECT_EQ(devs[0].properties().at("mode"), "test");
}

TEST(PluginRegistry, RefusesWrongAbiVersionSayingWhich) {
    PluginRegistry reg;
    EXPECT_FALSE(reg.load_file(kDir / "libbakeoff_badabi.so"));
    ASSERT_EQ(reg.refused().size(), 1u);
    EXPECT_NE(reg.refused()[0].reason.find("ABI version 99"), std::string::npos) << reg.refused()[0].reason;
    EXPECT_EQ(reg.find("badabi"), nullptr);
}

TEST(PluginRegistry, RefusesAMissingRequiredEntryPointNamingIt) {
    PluginRegistry reg;
    EXPECT_FALSE(reg.load_file(kDir / "libbakeoff_nolaunch.so"));
    ASSERT_EQ(reg.refused().size(), 1u);
    EXPECT_NE(reg.refused()[0].reason.find("'launch'"), std::string::npos) << reg.refused()[0].reason;
}

TEST(PluginRegistry, RefusesALibraryWithoutTheEntrySymbol) {
    PluginRegistry reg;
    EXPECT_FALSE(reg.load_file(kDir / "libbakeoff_nosymbol.so"));
    ASSERT_EQ(reg.refused().size(), 1u);
    EXPECT_NE(reg.refused()[0].reason.find("bakeoff_backend_entry"), std::string::npos);
}

TEST(PluginRegistry, RefusesAFileThatIsNotALibrary) {
    auto bogus = std::filesystem::temp_directory_path() / "libbakeoff_bogus.so";
    { std::FILE* f = std::fopen(bogus.c_str(), "w"); std::fputs("not an ELF file", f); std::fclose(f); }
    PluginRegistry reg;
    EXPECT_FALSE(reg.load_file(bogus));
    ASSERT_EQ(reg.refused().size(), 1u);
    EXPECT_NE(reg.refused()[0].reason.find("cannot load"), std::string::npos);
    std::filesystem::remove(bogus);
}

TEST(PluginRegistry, DirectoryLoadKeepsGoodPluginsAndExplainsTheRest) {
    PluginRegistry reg;
    reg.load_directory(kDir);
    EXPECT_NE(reg.find("fake"), nullptr);
    ASSERT_NE(refusal_for(reg, "libbakeoff_badabi.so"), nullptr);
    ASSERT_NE(refusal_for(reg, "libbakeoff_nolaunch.so"), nullptr);
    ASSERT_NE(refusal_for(reg, "libbakeoff_nosymbol.so"), nullptr);
}

TEST(PluginRegistry, RefusesASecondBackendWithTheSameName) {
    PluginRegistry reg;
    ASSERT_TRUE(reg.load_file(kDir / "libbakeoff_fake.so"));
    EXPECT_FALSE(reg.load_file(kDir / "libbakeoff_fake.so"));
    EXPECT_NE(reg.refused().back().reason.find("already loaded"), std::string::npos);
}

TEST(PluginRegistry, CheckTableRejectsNullAndShortTables) {
    EXPECT_TRUE(PluginRegistry::check_table(nullptr).has_value());
    bk_backend t{};
    t.abi_version = BK_ABI_VERSION;
    t.struct_size = 8;
    auto why = PluginRegistry::check_table(&t);
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("bytes"), std::string::npos);
}

TEST(PluginRegistry, SearchPathPutsTheEnvironmentFirst) {
    ::setenv("BAKEOFF_PLUGIN_PATH", "/a:/b", 1);
    auto dirs = PluginRegistry::search_path("/opt/bakeoff/bin");
    ::unsetenv("BAKEOFF_PLUGIN_PATH");
    ASSERT_GE(dirs.size(), 3u);
    EXPECT_EQ(dirs[0], "/a");
    EXPECT_EQ(dirs[1], "/b");
    EXPECT_EQ(dirs[2], std::filesystem::path("/opt/bakeoff/bin/plugins"));
}

// A plugin built against an older v1 header has a shorter table: it loads,
// and the members appended since read as NULL whatever lies past its end.
TEST(PluginRegistry, AcceptsAnOlderV1TableAndTreatsTheNewMembersAsAbsent) {
    const bk_backend* cpu = bakeoff_cpu_backend();
    alignas(bk_backend) unsigned char raw[sizeof(bk_backend)];
    std::memset(raw, 0xA5, sizeof raw);  // junk where an old plugin's table would end
    std::memcpy(raw, cpu, BK_BACKEND_V1_MIN_SIZE);
    auto* old = reinterpret_cast<bk_backend*>(raw);
    old->struct_size = BK_BACKEND_V1_MIN_SIZE;

    PluginRegistry reg;
    ASSERT_TRUE(reg.add_builtin(old)) << (reg.refused().empty() ? "" : reg.refused()[0].reason);
    const Backend* b = reg.find("cpu");
    ASSERT_NE(b, nullptr);
    EXPECT_EQ(b->table->host_buffer_alloc, nullptr);
    EXPECT_EQ(b->table->collectives, nullptr);
    EXPECT_EQ(b->table->launch, cpu->launch);

    // One byte shorter than the v1 minimum is refused, naming the sizes.
    old->struct_size = BK_BACKEND_V1_MIN_SIZE - 1;
    auto why = PluginRegistry::check_table(old);
    ASSERT_TRUE(why.has_value());
    EXPECT_NE(why->find("at least"), std::string::npos);
}

// Faults of a plugin while it loads, before any case: each is caught by the
// probe in a child process, named with where it happened, and the plugin is
// left out while this process goes on. (Faults in the constructor are tested
// through the command, tests/harness/isolation_test.cpp: once loaded here, a
// library's constructor does not run again in the probe.)
namespace {
std::string refusal_with_load_fault(const char* fault, double probe_timeout = 30) {
    ::setenv("BAKEOFF_FAKE_LOAD_FAULT", fault, 1);
    PluginRegistry reg;
    reg.set_probe_timeout(probe_timeout);
    const bool loaded = reg.load_file(kDir / "libbakeoff_fake.so");
    ::unsetenv("BAKEOFF_FAKE_LOAD_FAULT");
    EXPECT_FALSE(loaded) << fault;
    EXPECT_EQ(reg.find("fake"), nullptr) << fault;
    return reg.refused().empty() ? std::string() : reg.refused().back().reason;
}
}  // namespace

TEST(PluginProbe, ACrashOrAbortIsRefusedNamingTheStageAndSignal) {
    EXPECT_EQ(refusal_with_load_fault("entry:crash"), "crashed in bakeoff_backend_entry() (SIGSEGV)");
    EXPECT_EQ(refusal_with_load_fault("init:abort"), "crashed in init() (SIGABRT)");
    EXPECT_EQ(refusal_with_load_fault("props:crash"), "crashed in device_props(0) (SIGSEGV)");
}

TEST(PluginProbe, AnExitInsideThePluginIsRefusedAndThisProcessGoesOn) {
    EXPECT_EQ(refusal_with_load_fault("init:exit"), "exited with status 0 in init()");
    EXPECT_EQ(refusal_with_load_fault("entry:exit"), "exited with status 0 in bakeoff_backend_entry()");
}

TEST(PluginProbe, AHangIsRefusedAfterTheProbeTimeout) {
    EXPECT_EQ(refusal_with_load_fault("props:hang", 0.5), "hung in device_props(0) (no answer within 0.5 s)");
}

TEST(PluginProbe, FailingInitOrDevicePropertiesIsRefusedWithThePluginsError) {
    EXPECT_EQ(refusal_with_load_fault("init:fail"), "init failed: init failed on purpose (BAKEOFF_FAKE_LOAD_FAULT)");
    EXPECT_EQ(refusal_with_load_fault("props:fail"),
              "device 0 properties failed: device_props failed on purpose (BAKEOFF_FAKE_LOAD_FAULT)");
}

TEST(PluginProbe, SkippedFilesAreNotLoadedAndAProbeTimeoutOfZeroLoadsDirectly) {
    PluginRegistry reg;
    reg.set_probe_timeout(0);
    reg.skip_file(kDir / "libbakeoff_badabi.so");
    reg.load_directory(kDir);
    EXPECT_NE(reg.find("fake"), nullptr);
    EXPECT_EQ(refusal_for(reg, "libbakeoff_badabi.so"), nullptr);
    EXPECT_NE(refusal_for(reg, "libbakeoff_nolaunch.so"), nullptr);
}
