// Safetensors files found by fuzzing or by reading the code the fuzz target
// (fuzz/fuzz_safetensors.cpp, docs/fuzzing.md) covers, minimized and inlined:
// each must be refused with one line naming the file and the tensor.
#include "st_writer.h"

#include "workloads/llm/safetensors.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

using namespace bakeoff::llm;

namespace {

class SafetensorsFuzzRegressions : public ::testing::Test {
protected:
    std::filesystem::path path(const std::string& name) { return st_test::temp_dir() / name; }
    static std::string error_of(const std::filesystem::path& p) {
        try {
            SafetensorsFile f(p.string());
        } catch (const SafetensorsError& e) {
            return e.what();
        }
        return "";
    }
};

}  // namespace

// 2^62 f32 elements need 2^64 bytes, which wrapped to 0 in 64 bits: the file
// opened with a tensor of 2^62 elements over an empty byte range, and reading
// it would have run off the mapping.
TEST_F(SafetensorsFuzzRegressions, ShapeWhoseByteCountWrapsIsRefused) {
    const auto p = path("wrap.safetensors");
    st_test::write_raw(p, R"({"w":{"dtype":"F32","shape":[4611686018427387904],"data_offsets":[0,0]}})", {});
    const std::string e = error_of(p);
    EXPECT_NE(e.find("wrap.safetensors: tensor 'w': data_offsets span 0 bytes, shape and dtype need "
                     "4611686018427387904 x 4"),
              std::string::npos)
        << e;
    // The same with two dimensions whose product wraps.
    const auto q = path("wrap2.safetensors");
    st_test::write_raw(q, R"({"w":{"dtype":"F32","shape":[1073741824,4294967296],"data_offsets":[0,0]}})", {});
    EXPECT_NE(error_of(q).find("tensor 'w': data_offsets span 0 bytes"), std::string::npos) << error_of(q);
}

TEST_F(SafetensorsFuzzRegressions, ReadPastTheEndIsRefusedEvenWhenTheCountWraps) {
    const auto p = path("read.safetensors");
    st_test::write(p, {{"w", "F32", {2}, st_test::f32_bytes({1, 2})}});
    SafetensorsFile f(p.string());
    const StTensor& t = *f.find("w");
    float out[2] = {};
    f.read_f32(t, 0, 2, out);
    EXPECT_EQ(out[1], 2.0f);
    try {
        // first + count wraps to 1 in 64 bits; the old check let it through.
        f.read_f32(t, ~std::uint64_t(0), 2, out);
        FAIL() << "read past the end was not refused";
    } catch (const SafetensorsError& e) {
        EXPECT_NE(std::string(e.what()).find("tensor 'w': read of elements"), std::string::npos) << e.what();
    }
}

// A header nested a hundred thousand deep must not overflow the stack.
TEST_F(SafetensorsFuzzRegressions, DeeplyNestedHeaderDoesNotCrash) {
    const auto p = path("deep.safetensors");
    const std::size_t n = 100000;
    st_test::write_raw(p, R"({"__metadata__":)" + std::string(n, '[') + std::string(n, ']') + "}", {});
    EXPECT_EQ(error_of(p), "");
}
