// Pure host logic of the CUDA backend: no CUDA header, so tests/cuda can link
// and test it on a machine without a GPU (or without the toolkit's runtime).
//   cuda_host.cpp          GEMM argument checks and the row- to column-major
//                          mapping, launch geometry, the cuBLASLt type table
//   cuda_peaks.cpp         datasheet peaks by compute capability and name
//   cuda_nvml_loader.cpp   NVML found at run time with dlopen
#pragma once

#include "bakeoff/backend_abi.h"

#include <cstdint>
#include <string>

namespace bakeoff::cuda {

// ------------------------------------------------------------------ GEMM

// Checks a row-major GEMM descriptor: the ABI's rules (bk_plugin::
// check_gemm_shape in bakeoff/op_rules.h: non-negative sizes, leading
// dimensions at least the row length of each stored matrix, finite alpha and
// beta), then CUDA's own limit (cuBLASLt and the grids take 32-bit sizes).
// "" when it is well formed. The operands' spans are bk_plugin::gemm_spans.
// (This header is also compiled by nvcc, so it names no SDK header itself.)
std::string check_gemm_shape(const bk_gemm_op& g);

// A column-major GEMM (cuBLAS's convention): D = alpha op(X) op(Y) + beta C,
// X is m x k after op, Y is k x n after op, C is m x n with leading dim ldc.
// bakeoff's row-major C = op(A) op(B) is the column-major C^T = op(B)^T op(A)^T:
// the operands swap (X is bakeoff's B, Y is bakeoff's A), m and n swap, and
// a row-major matrix read as column-major is its transpose, so the transpose
// flags carry over unchanged.
struct ColMajorGemm {
    bool trans_x = false, trans_y = false;
    int64_t m = 0, n = 0, k = 0;
    int64_t ldx = 0, ldy = 0, ldc = 0;
    bool x_is_b = true;  // X is bakeoff's B operand (always, by the mapping)
    // Rows and columns of X and Y as stored (before op), column-major.
    int64_t x_rows() const { return trans_x ? k : m; }
    int64_t x_cols() const { return trans_x ? m : k; }
    int64_t y_rows() const { return trans_y ? n : k; }
    int64_t y_cols() const { return trans_y ? k : n; }
};
ColMajorGemm to_column_major(const bk_gemm_op& g);

// cuBLASLt's int8 and fp8 kernels want the "TN" layout: X transposed, Y not.
// A packing step copies an operand into that layout (a transpose into the
// workspace); these say which operands need it and the leading dimension of
// the packed copy (rounded up to 16 elements for aligned rows).
struct TnPlan {
    bool pack_x = false, pack_y = false;
    int64_t ldx = 0, ldy = 0;  // leading dimensions cuBLASLt sees
    uint64_t x_bytes = 0, y_bytes = 0;  // workspace the packed copies take
};
TnPlan plan_tn(const ColMajorGemm& cm, size_t elem_size);

// Reasons a shape cannot run on cuBLASLt's int8 kernels ("" when it can):
// m and k multiples of 4 (after the mapping: bakeoff's n and k), ldc a
// multiple of 4.
std::string int8_shape_limits(const ColMajorGemm& cm);

// cuBLASLt types of one bakeoff GEMM, as data (names of the cudaDataType,
// cublasComputeType_t enumerators); cuda_blaslt.cpp turns them into values.
enum class LtType { R_64F, R_32F, R_16F, R_16BF, R_8F_E4M3, R_8I, R_32I };
enum class LtCompute { C_64F, C_32F, C_32F_FAST_TF32, C_32I };
struct LtTypes {
    LtType a, b, c;          // c is also D's type
    LtCompute compute;
    LtType scale;            // alpha/beta type
    int min_cc = 0;          // smallest compute capability, major*10+minor
    bool tn_only = false;    // needs the TN layout (packing)
    bool scale_pointers = false; // fp8: A and B dequantization scales
};
const char* lt_type_name(LtType t);
const char* lt_compute_name(LtCompute c);
// The types for inputs `in` and output `out`, or false with *why set.
bool lt_types(bk_dtype in, bk_dtype out, LtTypes* t, std::string* why);

// ------------------------------------------------------------- geometry

// How a stream kernel covers n elements of elem_size bytes: 16-byte vectors
// (vec_width elements each) grid-stride over `vectors`, the last `tail`
// elements (n - vectors*vec_width) done one by one. blocks keeps about
// waves x blocks_per_sm x sms blocks in flight, never more than needed.
struct StreamGeometry {
    int vec_width = 1;
    int64_t vectors = 0;
    int64_t tail = 0;
    uint32_t threads = 256;
    uint32_t blocks = 1;
};
StreamGeometry stream_geometry(int64_t n, size_t elem_size, int sm_count, int blocks_per_sm,
                               uint32_t threads = 256, int waves = 4);

// The dot product's first stage writes one partial per block; the second
// stage (one block) adds them. The partial count is capped here.
constexpr uint32_t kMaxDotPartials = 4096;

// Grid of the portable GEMM: tiles of tile_m x tile_n of C, x over columns.
struct GemmGrid {
    uint32_t x = 1, y = 1;
};
GemmGrid gemm_grid(int64_t m, int64_t n, int tile_m, int tile_n);

// ---------------------------------------------------------------- peaks

// Theoretical dense peaks (GFLOP/s or GOP/s per input dtype) from a small
// table of datasheet figures, keyed by compute capability, SM count and the
// words of the device name. Unknown devices get zeros.
struct Peaks {
    double gflops[BK_DTYPE_COUNT] = {};
    bool known = false;
    std::string basis;  // "datasheet: NVIDIA H100 SXM5 dense ..." or why unknown
};
Peaks datasheet_peaks(int cc_major, int cc_minor, int sm_count, const std::string& name);
// Memory bandwidth from the memory clock (kHz, as CUDA reports it) and bus
// width: clock x 2 (double data rate) x bytes per transfer, in 1e9 B/s.
double memory_peak_gbs(double mem_clock_khz, int bus_width_bits);

// ----------------------------------------------------------------- misc

// "12.4" from CUDA's integer versions (12040).
std::string cuda_version_string(int v);
// The transfer's direction as bakeoff names it, from which operand is host
// memory; "" (with *why) when neither or both are.
std::string transfer_direction(bool in_is_host, bool out_is_host, std::string* why);

}  // namespace bakeoff::cuda
