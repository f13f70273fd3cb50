// Fuzz target: the small parsers the command line feeds user text to: sizes
// ("256MiB", `--size`), GEMM shapes ("128x8192x2048nt"), counts and numbers of
// `bakeoff project` ("70B", "1.5e9"), dates (`--as-of`), dtype and path names,
// output formats, device-name normalization and glob matching. Beyond not
// crashing, each accepted value must be in its documented range and survive a
// round trip through its formatter.
#include "core/dtype.h"
#include "report/output.h"
#include "specs/chip_db.h"
#include "report/chip_table.h"
#include "specs/device_match.h"
#include "specs/export_control.h"
#include "specs/project_model.h"
#include "specs/text_util.h"
#include "workloads/sizes.h"
#include "workloads/workload.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

using namespace bakeoff;

namespace {

void check(bool ok, const char* what, std::string_view input) {
    if (ok) return;
    std::fprintf(stderr, "%s: '%.*s'\n", what, static_cast<int>(input.size()), input.data());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    if (auto v = parse_size(text)) {
        check(*v > 0 && *v < (std::int64_t{1} << 60), "parse_size out of range", text);
        const std::string f = format_bytes(static_cast<std::uint64_t>(*v));
        check(parse_size(f) == v, "format_bytes does not read back", text);
    }
    if (auto s = parse_gemm_shape(text)) {
        for (auto d : {s->m, s->n, s->k}) check(d > 0 && d <= (1 << 20), "gemm dimension out of range", text);
        check(parse_gemm_shape(format_gemm_shape(*s)) == s, "gemm shape does not read back", text);
    }
    if (auto v = specs::parse_count(text)) check(std::isfinite(*v) && *v > 0, "parse_count not positive", text);
    if (auto v = specs::parse_number(text)) check(std::isfinite(*v) && *v >= 0, "parse_number not finite", text);
    if (auto d = specs::parse_date(text)) check(d->month >= 1 && d->month <= 12 && d->day >= 1 && d->day <= 31,
                                                "parse_date out of range", text);
    if (auto t = parse_dtype(text)) check(dtype_name(*t) == text, "dtype does not read back", text);
    if (auto p = parse_path(text)) check(path_name(*p) == text, "path does not read back", text);
    (void)parse_suite(text);
    if (auto f = parse_format(text)) check(parse_format(format_name(*f)) == f, "format does not read back", text);
    (void)specs::find_peak_dtype(text);
    (void)specs::dtype_bytes(std::string(text));

    // Names and globs: the device-name normalization is idempotent, and a
    // pattern always matches itself when it holds no glob characters.
    const std::string norm = specs::normalize_device_name(text);
    check(specs::normalize_device_name(norm) == norm, "normalize_device_name not idempotent", text);
    (void)specs::derive_chip_id(text);
    const auto bar = text.find('|');
    if (bar != std::string_view::npos) {
        const std::string pattern = specs::normalize_device_name(text.substr(0, bar), /*keep_glob=*/true);
        const std::string name = specs::normalize_device_name(text.substr(bar + 1));
        (void)specs::glob_match(pattern, name);
        if (!specs::has_glob_chars(pattern)) check(specs::glob_match(pattern, pattern), "glob does not match itself", text);
    }
    return 0;
}
