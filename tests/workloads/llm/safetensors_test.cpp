// The safetensors reader and a single-file checkpoint with its config.json: a
// well-formed tiny checkpoint in F32/BF16/F16 loads with the exact values;
// every kind of malformed file is refused with one line naming the file and
// the tensor.
#include "model_writer.h"
#include "numeric/rng.h"
#include "st_writer.h"
#include "workloads/llm/llm_weights.h"
#include "workloads/llm/model_file.h"
#include "workloads/llm/safetensors.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace bakeoff;
using namespace bakeoff::llm;

namespace {

// The tiny preset's tensors from seeded random weights; matrices of layer 1
// stored as BF16 (exact: the values are bf16-rounded first), the rest F32.
std::vector<st_test::Tensor> tiny_tensors(const WeightSource& w) {
    std::vector<st_test::Tensor> out;
    for (std::size_t i = 0; i < w.tensors().size(); ++i) {
        const TensorInfo& t = w.tensors()[i];
        std::vector<float> v(static_cast<std::size_t>(t.elements()));
        w.rows(i, 0, row_count(t), v.data());
        st_test::Tensor s;
        s.name = t.hf_name;
        s.shape = t.is_norm() ? std::vector<std::int64_t>{t.rows} : std::vector<std::int64_t>{t.rows, t.cols};
        if (t.layer == 1 && !t.is_norm()) {
            s.dtype = "BF16";
            for (float f : v) {
                const std::uint16_t h = float_to_bf16(f);
                s.bytes.push_back(static_cast<unsigned char>(h & 0xFF));
                s.bytes.push_back(static_cast<unsigned char>(h >> 8));
            }
        } else {
            s.dtype = "F32";
            s.bytes = st_test::f32_bytes(v);
        }
        out.push_back(std::move(s));
    }
    return out;
}

std::string error_of(const std::filesystem::path& p) { return model_test::open_error(p); }

// Loading p fails, and the error names every one of `parts`.
void expect_error_names(const std::filesystem::path& p, std::initializer_list<std::string> parts) {
    model_test::expect_open_error_names(p, parts);
}

class Safetensors : public ::testing::Test {
protected:
    void SetUp() override {
        src_ = random_weights(*find_preset("tiny"), BK_BF16, 5);
        tensors_ = tiny_tensors(*src_);
        dir_ = model_test::fresh_dir("safetensors");
        model_test::write_text(dir_ / "config.json", model_test::hf_config_json(src_->config()).dump());
    }
    // A file beside the tiny config.json.
    std::filesystem::path path(const std::string& name) { return dir_ / name; }
    std::filesystem::path dir_;
    std::unique_ptr<WeightSource> src_;
    std::vector<st_test::Tensor> tensors_;
};

}  // namespace

TEST_F(Safetensors, GoodCheckpointMapsToTinyAndReadsExactValues) {
    const auto p = path("good.safetensors");
    st_test::write(p, tensors_);
    const ModelFile m = open_model(p.string());
    const LlmConfig& c = m.config;
    EXPECT_EQ(c.name, "safetensors");  // the folder's name
    EXPECT_EQ(c.dim, 64);
    EXPECT_EQ(c.kv_heads, 2);
    EXPECT_TRUE(c.tied);
    EXPECT_EQ(m.format, "safetensors");
    EXPECT_EQ(m.weight_type, BK_F32);  // layer 0's matrices and the embedding outweigh layer 1's BF16
    auto w = m.weights(BK_BF16);
    for (std::size_t i = 0; i < w->tensors().size(); ++i) {
        const TensorInfo& t = w->tensors()[i];
        std::vector<float> a(static_cast<std::size_t>(t.elements())), b(a.size());
        w->rows(i, 0, row_count(t), a.data());
        src_->rows(i, 0, row_count(t), b.data());
        ASSERT_EQ(a, b) << t.hf_name;
    }
}

TEST_F(Safetensors, F16IsWidenedExactly) {
    // 1.0, -2.5, 65504 (max), 2^-24 (smallest subnormal), -0.0
    const std::vector<std::uint16_t> h{0x3C00, 0xC100, 0x7BFF, 0x0001, 0x8000};
    std::vector<unsigned char> bytes;
    for (auto x : h) {
        bytes.push_back(static_cast<unsigned char>(x & 0xFF));
        bytes.push_back(static_cast<unsigned char>(x >> 8));
    }
    const auto p = path("f16.safetensors");
    st_test::write(p, {{"x", "F16", {5}, bytes}});
    SafetensorsFile f(p.string());
    float out[5];
    f.read_f32(*f.find("x"), 0, 5, out);
    EXPECT_EQ(out[0], 1.0f);
    EXPECT_EQ(out[1], -2.5f);
    EXPECT_EQ(out[2], 65504.0f);
    EXPECT_EQ(out[3], std::ldexp(1.0f, -24));
    EXPECT_TRUE(out[4] == 0.0f && std::signbit(out[4]));
}

TEST_F(Safetensors, TruncatedFileNamesTheTensorPastTheEnd) {
    const auto p = path("truncated.safetensors");
    std::vector<unsigned char> data;
    const auto h = st_test::header_of(tensors_, &data);
    data.resize(data.size() - 100);  // the last tensor loses its tail
    st_test::write_raw(p, h.dump(), data);
    expect_error_names(p, {p.string(), "model.norm.weight", "past the end"});
}

TEST_F(Safetensors, BadJsonIsRefused) {
    const auto p = path("badjson.safetensors");
    st_test::write_raw(p, "{\"x\": {\"dtype\": \"F32\", ", {});
    expect_error_names(p, {p.string(), "not valid JSON"});
}

TEST_F(Safetensors, WrongShapeNamesTheTensorAndBothShapes) {
    for (auto& t : tensors_)
        if (t.name == "model.layers.1.mlp.up_proj.weight") {
            t.shape = {96, 128};  // same element count, wrong shape
        }
    const auto p = path("shape.safetensors");
    st_test::write(p, tensors_);
    expect_error_names(p, {"model.layers.1.mlp.up_proj.weight", "[96, 128]", "[192, 64]"});
}

TEST_F(Safetensors, MissingTensorIsNamed) {
    tensors_.erase(tensors_.begin() + 3);
    const auto p = path("missing.safetensors");
    st_test::write(p, tensors_);
    expect_error_names(p, {"missing", "model.layers.0.self_attn.k_proj.weight"});
}

TEST_F(Safetensors, OffsetsPastTheEndAreRefused) {
    const auto p = path("offsets.safetensors");
    std::vector<unsigned char> data(16);
    st_test::write_raw(p, R"({"w": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}})", data);
    expect_error_names(p, {"'w'", "past the end"});
}

TEST_F(Safetensors, OverlappingTensorsAreRefused) {
    const auto p = path("overlap.safetensors");
    std::vector<unsigned char> data(32);
    st_test::write_raw(p,
                       R"({"a": {"dtype": "F32", "shape": [4], "data_offsets": [0, 16]},
                           "b": {"dtype": "F32", "shape": [4], "data_offsets": [8, 24]}})",
                       data);
    expect_error_names(p, {"overlaps"});
}

TEST_F(Safetensors, AbsurdHeaderLengthIsRefusedBeforeReading) {
    const auto p = path("absurd.safetensors");
    st_test::write_raw(p, "{}", {}, 200ull << 20);
    const std::string e = error_of(p);
    EXPECT_NE(e.find("100 MiB"), std::string::npos) << e;
    const auto q = path("short.safetensors");
    st_test::write_raw(q, "{}", {}, 4096);  // under the limit, but past the end of the file
    EXPECT_NE(error_of(q).find("past the end of the file"), std::string::npos) << error_of(q);
}

TEST_F(Safetensors, UnknownDtypeAndBadSizesAreRefused) {
    const auto p = path("dtype.safetensors");
    st_test::write_raw(p, R"({"ids": {"dtype": "I64", "shape": [2], "data_offsets": [0, 16]}})", std::vector<unsigned char>(16));
    std::string e = error_of(p);
    EXPECT_NE(e.find("'ids'"), std::string::npos) << e;
    EXPECT_NE(e.find("I64"), std::string::npos) << e;
    const auto q = path("span.safetensors");
    st_test::write_raw(q, R"({"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 16]}})", std::vector<unsigned char>(16));
    e = error_of(q);
    EXPECT_NE(e.find("need 12"), std::string::npos) << e;
    const auto r = path("empty.safetensors");
    st_test::write_raw(r, "", {}, 0);
    EXPECT_FALSE(error_of(r).empty());
    EXPECT_NE(error_of(path("no-such-file.safetensors")).find("no such file"), std::string::npos);
}
