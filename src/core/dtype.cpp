#include "core/dtype.h"

#include <bakeoff/plugin_dtype.h>

#include <array>

namespace bakeoff {
namespace {
// The names users type. Sizes are the plugin SDK's (bk_dtype_size), so the
// core and the backends size buffers from one table.
struct DtypeInfo {
    bk_dtype type;
    std::string_view name;
};
// Element types, then the block-quantized weight types (plugin_quant.h).
constexpr std::array<DtypeInfo, BK_DTYPE_COUNT + 9> kDtypes{{
    {BK_F64, "fp64"},
    {BK_F32, "fp32"},
    {BK_TF32, "tf32"},
    {BK_BF16, "bf16"},
    {BK_F16, "fp16"},
    {BK_F8_E4M3, "fp8"},
    {BK_I8, "int8"},
    {BK_U8, "uint8"},
    {BK_I32, "int32"},
    {BK_Q8_0, "q8_0"},
    {BK_Q4_0, "q4_0"},
    {BK_Q4_1, "q4_1"},
    {BK_Q5_0, "q5_0"},
    {BK_Q5_1, "q5_1"},
    {BK_Q4_K, "q4_k"},
    {BK_Q5_K, "q5_k"},
    {BK_Q6_K, "q6_k"},
    {BK_Q8_K, "q8_k"},
}};
}  // namespace

std::string_view dtype_name(bk_dtype t) {
    for (const auto& d : kDtypes)
        if (d.type == t) return d.name;
    return "unknown";
}

std::optional<bk_dtype> parse_dtype(std::string_view name) {
    for (const auto& d : kDtypes)
        if (d.name == name) return d.type;
    return std::nullopt;
}

const std::vector<bk_dtype>& all_dtypes() {
    static const std::vector<bk_dtype> list = [] {
        std::vector<bk_dtype> v;
        for (const auto& d : kDtypes) v.push_back(d.type);
        return v;
    }();
    return list;
}

std::size_t dtype_size(bk_dtype t) { return bk_dtype_size(t); }

std::string_view path_name(bk_path p) { return p == BK_PATH_VENDOR ? "vendor" : "portable"; }

std::optional<bk_path> parse_path(std::string_view name) {
    if (name == "vendor") return BK_PATH_VENDOR;
    if (name == "portable") return BK_PATH_PORTABLE;
    return std::nullopt;
}

std::string_view status_name(bk_status s) {
    switch (s) {
        case BK_OK: return "ok";
        case BK_UNSUPPORTED: return "unsupported";
        case BK_INVALID_ARGUMENT: return "invalid argument";
        case BK_OUT_OF_MEMORY: return "out of memory";
        case BK_DEVICE_ERROR: return "device error";
        case BK_INTERNAL_ERROR: return "internal error";
    }
    return "unknown status";
}

}  // namespace bakeoff
