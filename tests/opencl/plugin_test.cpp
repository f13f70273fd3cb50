// The plugin's table, device properties, buffers, capability answers and
// argument checking, through the ABI.
#include "common/backend_table.h"
#include "opencl_plugin.h"

#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <sstream>

using namespace bkocl;

TEST(OpenclPlugin, TableIsComplete) {
    ASSERT_NE(be(), nullptr) << plugin().load_error;
    const bk_backend* b = be();
    ASSERT_NO_FATAL_FAILURE(bktest::expect_complete_table(b, "opencl"));
    EXPECT_NE(b->op_info, nullptr);
    EXPECT_EQ(plugin().init_status, BK_OK);
    EXPECT_EQ(b->init(), BK_OK) << "init() is idempotent";
    EXPECT_GE(b->device_count(), 0);
}

TEST(OpenclPlugin, ExportsOnlyTheEntrySymbol) {
    ASSERT_NE(plugin().handle, nullptr) << plugin().load_error;
    // Built with hidden visibility: internal functions are not reachable.
    EXPECT_EQ(dlsym(plugin().handle, "api_init"), nullptr);
    EXPECT_NE(dlsym(plugin().handle, BK_ENTRY_SYMBOL), nullptr);
    FILE* f = popen(("nm -D --defined-only '" BAKEOFF_OPENCL_PLUGIN_PATH "' 2>/dev/null"), "r");
    if (!f) GTEST_SKIP() << "nm not available";
    std::string out;
    std::array<char, 512> line{};
    while (fgets(line.data(), line.size(), f)) out += line.data();
    pclose(f);
    if (out.empty()) GTEST_SKIP() << "nm produced no output";
    // Lines are "address type name"; every defined code or data symbol must be
    // the entry point.
    int entries = 0;
    std::istringstream in(out);
    std::string addr, type, name;
    while (in >> addr >> type >> name) {
        if (name == BK_ENTRY_SYMBOL) {
            ++entries;
            continue;
        }
        EXPECT_EQ(std::string("TtWwDdBbRrVvi").find(type), std::string::npos) << "exported: " << name;
    }
    EXPECT_EQ(entries, 1) << out;
}

// Child half of NoPlatform: runs only when the parent re-executes the binary
// with an empty ICD vendor list, and prints what it saw.
TEST(OpenclNoPlatformChild, Report) {
    if (!std::getenv("BAKEOFF_OPENCL_TEST_CHILD")) GTEST_SKIP() << "runs only as NoPlatform's child";
    ASSERT_NE(be(), nullptr) << plugin().load_error;
    std::printf("CHILD_INIT=%d\nCHILD_COUNT=%d\nCHILD_ERROR=%s\n", static_cast<int>(plugin().init_status),
                plugin().count, plugin().count_note.c_str());
}

TEST(OpenclPlugin, NoPlatformIsNotAnError) {
    ASSERT_NE(be(), nullptr) << plugin().load_error;
    char exe[4096];
    const ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    ASSERT_GT(len, 0);
    exe[len] = '\0';
    // ocl-icd and the Khronos loader read their vendor list from OCL_ICD_VENDORS.
    const std::string cmd = std::string("env OCL_ICD_VENDORS=/nonexistent-bakeoff-icd OCL_ICD_FILENAMES= "
                                        "BAKEOFF_OPENCL_TEST_CHILD=1 '") +
                            exe + "' --gtest_filter=OpenclNoPlatformChild.Report 2>&1";
    FILE* f = popen(cmd.c_str(), "r");
    ASSERT_NE(f, nullptr);
    std::string out;
    std::array<char, 1024> line{};
    while (fgets(line.data(), line.size(), f)) out += line.data();
    const int rc = pclose(f);
    ASSERT_EQ(rc, 0) << out;
    ASSERT_NE(out.find("CHILD_INIT=0\n"), std::string::npos) << out;
    if (out.find("CHILD_COUNT=0\n") == std::string::npos)
        GTEST_SKIP() << "the ICD loader ignored OCL_ICD_VENDORS: " << out;
    EXPECT_NE(out.find("CHILD_ERROR=no OpenCL platform found (install an ICD, e.g. pocl-opencl-icd)"),
              std::string::npos)
        << out;
}

TEST(OpenclPlugin, DevicePropsAreSane) {
    BKOCL_REQUIRE_DEVICE();
    for (int32_t i = 0; i < plugin().count; ++i) {
        SCOPED_TRACE("device " + std::to_string(i));
        bk_device_props p;
        std::memset(&p, 0, sizeof p);
        p.struct_size = sizeof p;
        ASSERT_EQ(be()->device_props(i, &p), BK_OK) << be()->last_error();
        EXPECT_EQ(p.struct_size, sizeof p);
        EXPECT_GT(std::strlen(p.name), 0u);
        EXPECT_GT(std::strlen(p.vendor), 0u);
        const std::string kind = p.kind;
        EXPECT_TRUE(kind == "cpu" || kind == "gpu" || kind == "accelerator") << kind;
        EXPECT_GT(std::strlen(p.driver_version), 0u);
        EXPECT_NE(std::string(p.library_versions).find("OpenCL"), std::string::npos) << p.library_versions;
        EXPECT_GT(p.memory_bytes, 0u);
        EXPECT_GT(p.memory_free_bytes, 0u);
        EXPECT_LE(p.memory_free_bytes, p.memory_bytes);
        EXPECT_GT(p.compute_units, 0u);
        EXPECT_GT(p.clock_mhz, 0.0);
        EXPECT_NE(std::string(p.peak_basis).find("CL_DEVICE_MAX_CLOCK_FREQUENCY"), std::string::npos);
        for (double g : p.peak_gflops) EXPECT_EQ(g, 0.0) << "no peak estimate is made";
        const std::string props = p.properties;
        for (const char* key : {"max_alloc_bytes=", "global_mem_bytes=", "local_mem_bytes=", "fp64=", "fp16=",
                                "max_work_group_size=", "platform=", "memory_free="})
            EXPECT_NE(props.find(key), std::string::npos) << key << " missing in\n" << props;
        EXPECT_EQ(props.back(), '\n');
        const size_t at = props.find("max_alloc_bytes=");
        const unsigned long long max_alloc = std::strtoull(props.c_str() + at + 16, nullptr, 10);
        EXPECT_GT(max_alloc, 0u);
        EXPECT_LE(max_alloc, p.memory_bytes);
    }
}

TEST(OpenclPlugin, DevicePropsHonourStructSize) {
    BKOCL_REQUIRE_DEVICE();
    // A caller knowing only a prefix of the struct: nothing past it is written.
    std::vector<unsigned char> raw(sizeof(bk_device_props), 0xAB);
    const uint32_t small = offsetof(bk_device_props, vendor);
    std::memcpy(raw.data(), &small, sizeof small);
    ASSERT_EQ(be()->device_props(0, reinterpret_cast<bk_device_props*>(raw.data())), BK_OK);
    EXPECT_NE(raw[offsetof(bk_device_props, name)], 0xAB) << "the name is written";
    for (size_t i = small; i < raw.size(); ++i) ASSERT_EQ(raw[i], 0xAB) << "byte " << i << " written";
    uint32_t got = 0;
    std::memcpy(&got, raw.data(), sizeof got);
    EXPECT_EQ(got, small);
}

TEST(OpenclPlugin, BadDeviceIndexAndNullArguments) {
    BKOCL_REQUIRE_DEVICE();
    bk_device_props p;
    p.struct_size = sizeof p;
    EXPECT_EQ(be()->device_props(plugin().count, &p), BK_INVALID_ARGUMENT);
    EXPECT_GT(std::strlen(be()->last_error()), 0u);
    EXPECT_EQ(be()->device_props(-1, &p), BK_INVALID_ARGUMENT);
    EXPECT_EQ(be()->device_props(0, nullptr), BK_INVALID_ARGUMENT);
    bk_device* d = reinterpret_cast<bk_device*>(0x1);
    EXPECT_EQ(be()->device_open(plugin().count, &d), BK_INVALID_ARGUMENT);
    EXPECT_EQ(d, nullptr);
    EXPECT_EQ(be()->device_open(0, nullptr), BK_INVALID_ARGUMENT);
    EXPECT_EQ(be()->buffer_alloc(nullptr, 16, nullptr), BK_INVALID_ARGUMENT);
    EXPECT_EQ(be()->stream_sync(nullptr), BK_INVALID_ARGUMENT);
    EXPECT_EQ(be()->launch(nullptr, nullptr, nullptr, 0), BK_INVALID_ARGUMENT);
    EXPECT_EQ(be()->supports(device(), nullptr), BK_INVALID_ARGUMENT);
}

TEST(OpenclPlugin, BufferRoundTripFillAndBounds) {
    BKOCL_REQUIRE_DEVICE();
    bk_device* d = device();
    ASSERT_NE(d, nullptr);
    Buffer b(d, 1024);
    ASSERT_EQ(b.status(), BK_OK) << be()->last_error();
    std::vector<uint8_t> src(1024);
    for (size_t i = 0; i < src.size(); ++i) src[i] = static_cast<uint8_t>(i * 7 + 3);
    ASSERT_EQ(b.upload(src), BK_OK) << be()->last_error();
    EXPECT_EQ(b.download<uint8_t>(1024), src);
    // Fill at an aligned and at an unaligned offset.
    ASSERT_EQ(be()->buffer_fill(b.get(), 16, 32, 0xDEADBEEFu), BK_OK) << be()->last_error();
    ASSERT_EQ(be()->buffer_fill(b.get(), 101, 8, 0x01020304u), BK_OK) << be()->last_error();
    std::vector<uint8_t> want = src;
    for (size_t i = 0; i < 32; i += 4) {
        const uint32_t v = 0xDEADBEEFu;
        std::memcpy(&want[16 + i], &v, 4);
    }
    for (size_t i = 0; i < 8; i += 4) {
        const uint32_t v = 0x01020304u;
        std::memcpy(&want[101 + i], &v, 4);
    }
    EXPECT_EQ(b.download<uint8_t>(1024), want);
    // Partial download at an offset.
    std::vector<uint8_t> part(10);
    ASSERT_EQ(be()->buffer_download(b.get(), 500, part.data(), 10), BK_OK);
    EXPECT_TRUE(std::equal(part.begin(), part.end(), want.begin() + 500));

    EXPECT_EQ(be()->buffer_upload(b.get(), 1000, src.data(), 25), BK_INVALID_ARGUMENT);
    EXPECT_NE(std::string(be()->last_error()).find("exceeds"), std::string::npos) << be()->last_error();
    EXPECT_EQ(be()->buffer_download(b.get(), 1025, part.data(), 0), BK_INVALID_ARGUMENT);
    EXPECT_EQ(be()->buffer_download(b.get(), ~0ull, part.data(), 2), BK_INVALID_ARGUMENT);
    EXPECT_EQ(be()->buffer_fill(b.get(), 0, 6, 0), BK_INVALID_ARGUMENT) << "not a multiple of 4";
    EXPECT_EQ(be()->buffer_fill(b.get(), 1020, 8, 0), BK_INVALID_ARGUMENT);
    EXPECT_EQ(be()->buffer_upload(b.get(), 0, nullptr, 4), BK_INVALID_ARGUMENT);
    EXPECT_EQ(b.download<uint8_t>(1024), want) << "failed calls leave the buffer alone";

    bk_buffer* z = nullptr;
    EXPECT_EQ(be()->buffer_alloc(d, 0, &z), BK_INVALID_ARGUMENT);
}

TEST(OpenclPlugin, OversizedAllocationIsRefused) {
    BKOCL_REQUIRE_DEVICE();
    const bk_device_props p = props();
    bk_buffer* b = nullptr;
    EXPECT_EQ(be()->buffer_alloc(device(), p.memory_bytes * 4 + 4096, &b), BK_OUT_OF_MEMORY);
    EXPECT_EQ(b, nullptr);
    EXPECT_NE(std::string(be()->last_error()).find("CL_DEVICE_MAX_MEM_ALLOC_SIZE"), std::string::npos)
        << be()->last_error();
}

TEST(OpenclPlugin, UnsupportedCombinationsSayWhy) {
    BKOCL_REQUIRE_DEVICE();
    bk_device* d = device();
    ASSERT_NE(d, nullptr);
    Stream s(d);
    Buffer a(d, 4096), b(d, 4096), c(d, 4096);
    bk_buffer* ops[3] = {a.get(), b.get(), c.get()};
    auto expect_unsupported = [&](bk_op_desc op, const char* needle, uint32_t n_ops) {
        SCOPED_TRACE(needle);
        EXPECT_EQ(be()->supports(d, &op), BK_UNSUPPORTED);
        const std::string why = be()->last_error();
        EXPECT_NE(why.find(needle), std::string::npos) << why;
        EXPECT_EQ(be()->launch(s.s, &op, ops, n_ops), BK_UNSUPPORTED);
        EXPECT_NE(std::string(be()->last_error()).find(needle), std::string::npos) << be()->last_error();
    };
    bk_op_desc v = stream_desc(BK_OP_TRIAD, BK_F32, 16, 2.0);
    v.path = BK_PATH_VENDOR;
    expect_unsupported(v, "no vendor library on OpenCL", 3);
    // The vendor GEMM is CLBlast's (clblast_test.cpp); it has no integer GEMM.
    bk_op_desc vg = gemm_desc(BK_I8, BK_I32, 4, 4, 4);
    vg.path = BK_PATH_VENDOR;
    expect_unsupported(vg, "CLBlast", 3);
    expect_unsupported(stream_desc(BK_OP_COPY, BK_F16, 16), "f32 and f64 only", 2);
    expect_unsupported(stream_desc(BK_OP_ADD, BK_BF16, 16), "f32 and f64 only", 3);
    expect_unsupported(gemm_desc(BK_TF32, BK_F32, 4, 4, 4), "tf32", 3);
    expect_unsupported(gemm_desc(BK_I8, BK_I32, 4, 4, 4), "covers f32, f64, f16 and bf16", 3);
    expect_unsupported(gemm_desc(BK_F16, BK_F16, 4, 4, 4), "f32 output only", 3);
    expect_unsupported(gemm_desc(BK_F32, BK_F64, 4, 4, 4), "f32 output", 3);
    bk_op_desc mixed = gemm_desc(BK_F32, BK_F32, 4, 4, 4);
    mixed.dtype_b = BK_F16;
    expect_unsupported(mixed, "mixed input dtypes", 3);
    bk_op_desc dot = stream_desc(BK_OP_DOT, BK_F32, 16);
    dot.dtype_c = BK_F64;
    expect_unsupported(dot, "dot output", 3);
    bk_op_desc unknown = stream_desc(BK_OP_COPY, BK_F32, 16);
    unknown.kind = 99;
    expect_unsupported(unknown, "op kind 99", 2);
    if (!has_fp64()) {
        expect_unsupported(stream_desc(BK_OP_COPY, BK_F64, 16), "fp64", 2);
        expect_unsupported(gemm_desc(BK_F64, BK_F64, 4, 4, 4), "fp64", 3);
    } else {
        bk_op_desc f64 = gemm_desc(BK_F64, BK_F64, 4, 4, 4);
        EXPECT_EQ(be()->supports(d, &f64), BK_OK) << be()->last_error();
    }
    // What is supported says so.
    for (bk_op_desc ok : {stream_desc(BK_OP_TRIAD, BK_F32, 16), gemm_desc(BK_F32, BK_F32, 4, 4, 4),
                          gemm_desc(BK_F16, BK_F32, 4, 4, 4), gemm_desc(BK_BF16, BK_F32, 4, 4, 4)})
        EXPECT_EQ(be()->supports(d, &ok), BK_OK) << be()->last_error();
}

TEST(OpenclPlugin, BadDescriptorsAreInvalidArguments) {
    BKOCL_REQUIRE_DEVICE();
    bk_device* d = device();
    ASSERT_NE(d, nullptr);
    Stream s(d);
    Buffer a(d, 400), b(d, 400), c(d, 400), small(d, 8);
    bk_buffer* ops[3] = {a.get(), b.get(), c.get()};
    auto expect_invalid = [&](const bk_op_desc& op, bk_buffer* const* operands, uint32_t n, const char* what) {
        SCOPED_TRACE(what);
        EXPECT_EQ(be()->launch(s.s, &op, operands, n), BK_INVALID_ARGUMENT);
        EXPECT_GT(std::strlen(be()->last_error()), 0u);
    };
    bk_op_desc t = stream_desc(BK_OP_TRIAD, BK_F32, 100, 2.0);
    ASSERT_EQ(be()->launch(s.s, &t, ops, 3), BK_OK) << be()->last_error();  // the baseline is valid

    bk_op_desc x = t;
    x.struct_size = 8;
    expect_invalid(x, ops, 3, "struct_size");
    EXPECT_EQ(be()->supports(d, &x), BK_INVALID_ARGUMENT);
    x = t;
    x.u.stream.n = -1;
    expect_invalid(x, ops, 3, "negative n");
    EXPECT_EQ(be()->supports(d, &x), BK_INVALID_ARGUMENT);
    x = t;
    x.u.stream.n = 101;
    expect_invalid(x, ops, 3, "undersized buffers");
    expect_invalid(t, ops, 2, "too few operands");
    expect_invalid(t, nullptr, 3, "no operand list");
    bk_buffer* with_null[3] = {a.get(), nullptr, c.get()};
    expect_invalid(t, with_null, 3, "NULL operand");
    bk_buffer* with_small[3] = {a.get(), b.get(), small.get()};
    expect_invalid(t, with_small, 3, "undersized output");
    x = t;
    x.path = 7;
    expect_invalid(x, ops, 3, "unknown path");
    x = t;
    x.dtype_a = 42;
    expect_invalid(x, ops, 3, "unknown dtype");

    bk_op_desc dot = stream_desc(BK_OP_DOT, BK_F32, 100);
    bk_buffer* dot_small[3] = {a.get(), small.get(), c.get()};
    expect_invalid(dot, dot_small, 3, "dot undersized input");

    // GEMM: 10x10x10 f32 needs 400 bytes per matrix.
    bk_op_desc g = gemm_desc(BK_F32, BK_F32, 10, 10, 10);
    ASSERT_EQ(be()->launch(s.s, &g, ops, 3), BK_OK) << be()->last_error();
    // Each a copy of g with one thing wrong.
    const struct {
        const char* what;
        void (*spoil)(bk_gemm_op&);
    } bad_gemms[] = {
        {"lda < k", [](bk_gemm_op& x) { x.lda = 9; }},
        {"ldb < k (trans_b)", [](bk_gemm_op& x) { x.trans_b = 1, x.ldb = 9; }},
        {"ldc < n", [](bk_gemm_op& x) { x.ldc = 5; }},
        {"negative m", [](bk_gemm_op& x) { x.m = -3; }},
        {"A undersized with padding", [](bk_gemm_op& x) { x.lda = 11; }},
        {"B undersized", [](bk_gemm_op& x) { x.k = 11, x.lda = 11; }},
    };
    for (const auto& bad : bad_gemms) {
        bk_op_desc y = g;
        bad.spoil(y.u.gemm);
        expect_invalid(y, ops, 3, bad.what);
    }
    expect_invalid(g, ops, 4, "too many operands");
    bk_op_desc y = g;
    y.struct_size = offsetof(bk_op_desc, u) + sizeof(bk_stream_op);
    expect_invalid(y, ops, 3, "struct_size short of the gemm member");

    // An operand from another opened device.
    bk_device* other = nullptr;
    ASSERT_EQ(be()->device_open(0, &other), BK_OK) << be()->last_error();
    {
        Buffer foreign(other, 400);
        bk_buffer* mixed[3] = {a.get(), foreign.get(), c.get()};
        expect_invalid(t, mixed, 3, "foreign buffer");
    }
    be()->device_close(other);
    ASSERT_EQ(be()->stream_sync(s.s), BK_OK) << be()->last_error();
}

TEST(OpenclPlugin, OpInfoDescribesTheKernel) {
    BKOCL_REQUIRE_DEVICE();
    bk_device* d = device();
    ASSERT_NE(d, nullptr);
    char buf[512];
    bk_op_desc t = stream_desc(BK_OP_TRIAD, BK_F32, 1 << 20, 2.0);
    ASSERT_EQ(be()->op_info(d, &t, buf, sizeof buf), BK_OK) << be()->last_error();
    EXPECT_NE(std::string(buf).find("float"), std::string::npos) << buf;
    EXPECT_NE(std::string(buf).find("wg"), std::string::npos) << buf;
    EXPECT_NE(std::string(buf).find("groups"), std::string::npos) << buf;
    bk_op_desc g = gemm_desc(BK_F32, BK_F32, 256, 256, 256);
    ASSERT_EQ(be()->op_info(d, &g, buf, sizeof buf), BK_OK) << be()->last_error();
    const std::string gi = buf;
    const bool cpu = std::string(props().kind) == "cpu";
    // CPU devices get the register-blocked kernel, others the tiled one.
    EXPECT_NE(gi.find(cpu ? "OpenCL register-blocked" : "OpenCL tiled"), std::string::npos) << gi;
    char tiny[8];
    ASSERT_EQ(be()->op_info(d, &g, tiny, sizeof tiny), BK_OK);
    EXPECT_EQ(std::strlen(tiny), sizeof tiny - 1) << "truncated, terminated";
    EXPECT_EQ(be()->op_info(d, &g, nullptr, 0), BK_INVALID_ARGUMENT);
    // The vendor GEMM is CLBlast's where it is installed, and says so either way.
    bk_op_desc v = g;
    v.path = BK_PATH_VENDOR;
    const bk_status st = be()->op_info(d, &v, buf, sizeof buf);
    EXPECT_NE(std::string(st == BK_OK ? buf : be()->last_error()).find("CLBlast"), std::string::npos);
    bk_op_desc vt = t;
    vt.path = BK_PATH_VENDOR;
    EXPECT_EQ(be()->op_info(d, &vt, buf, sizeof buf), BK_UNSUPPORTED);
}

TEST(OpenclPlugin, ClosingADeviceBeforeItsObjectsIsSafe) {
    BKOCL_REQUIRE_DEVICE();
    bk_device* d = nullptr;
    ASSERT_EQ(be()->device_open(0, &d), BK_OK) << be()->last_error();
    bk_buffer* b = nullptr;
    bk_stream* s = nullptr;
    bk_event* e = nullptr;
    ASSERT_EQ(be()->buffer_alloc(d, 256, &b), BK_OK);
    ASSERT_EQ(be()->stream_create(d, &s), BK_OK);
    ASSERT_EQ(be()->event_create(d, &e), BK_OK);
    ASSERT_EQ(be()->event_record(e, s), BK_OK);
    be()->device_close(d);  // out of order: the objects keep the device alive
    std::vector<uint32_t> v(64, 0x12345678u), w(64, 0);
    EXPECT_EQ(be()->buffer_upload(b, 0, v.data(), 256), BK_OK) << be()->last_error();
    EXPECT_EQ(be()->buffer_download(b, 0, w.data(), 256), BK_OK) << be()->last_error();
    EXPECT_EQ(v, w);
    EXPECT_EQ(be()->stream_sync(s), BK_OK);
    be()->event_destroy(e);
    be()->stream_destroy(s);
    be()->buffer_free(b);  // the last one tears the device down
}

TEST(OpenclPlugin, CompilerErrorsCarryTheBuildLog) {
    BKOCL_REQUIRE_DEVICE();
    // Extra build options are appended to the plugin's own: redefining the
    // accumulator type as an unknown one makes the GEMM kernels fail to compile.
    bk_device* d = nullptr;
    const bk_status st = open_device_with_env("BAKEOFF_OPENCL_BUILD_OPTIONS", "-DACC=bk_no_such_type", &d);
    ASSERT_EQ(st, BK_OK) << be()->last_error();
    {
        Stream s(d);
        Buffer a(d, 64), b(d, 64), c(d, 64);
        bk_buffer* ops[3] = {a.get(), b.get(), c.get()};
        const bk_op_desc op = gemm_desc(BK_F32, BK_F32, 4, 4, 4);
        EXPECT_EQ(be()->supports(d, &op), BK_OK) << "supports() does not compile";
        for (int attempt = 0; attempt < 2; ++attempt) {  // the failure is cached, with its message
            EXPECT_EQ(be()->launch(s.s, &op, ops, 3), BK_DEVICE_ERROR);
            const std::string why = be()->last_error();
            EXPECT_NE(why.find("OpenCL compiler failed"), std::string::npos) << why;
            EXPECT_NE(why.find("bk_no_such_type"), std::string::npos) << "build log: " << why;
            EXPECT_EQ(why.find('\n'), std::string::npos) << "one line";
        }
    }
    be()->device_close(d);
}
