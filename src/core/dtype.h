// Element types as users name them ("fp32", "bf16", "int8"), mapped to the ABI's bk_dtype.
#pragma once

#include <bakeoff/backend_abi.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bakeoff {

// The name used on the command line and in results files.
std::string_view dtype_name(bk_dtype t);
// Inverse of dtype_name; nullopt for an unknown name.
std::optional<bk_dtype> parse_dtype(std::string_view name);
// Every type dtype_name knows: the element types, then the block-quantized ones.
const std::vector<bk_dtype>& all_dtypes();
// Bytes per element in memory (tf32 is stored as fp32).
std::size_t dtype_size(bk_dtype t);

std::string_view path_name(bk_path p);
std::optional<bk_path> parse_path(std::string_view name);

std::string_view status_name(bk_status s);

}  // namespace bakeoff
