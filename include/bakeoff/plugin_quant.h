/* Block-quantized weight types for backend plugins and the core, in C and
 * C++: block sizes, a reference dequantization of every BK_Q* type, and
 * reference quantizers. The byte layouts are GGML's (the GGUF format's), so
 * a tensor read from a GGUF file uploads unchanged; a backend's own kernels
 * must give the values bk_dequantize_row gives (names: bk_dtype_name). Not
 * part of the ABI itself.
 *
 * Layouts (all little-endian; d, m, dmin are IEEE f16 unless said):
 *   Q8_0  [d][q0..q31 int8]                          x_j = d q_j
 *   Q4_0  [d][16 B: low nibbles = x0..x15, high = x16..x31]    x = d (q - 8)
 *   Q4_1  [d][m][16 B nibbles as Q4_0]                x = d q + m
 *   Q5_0  [d][u32 qh: bit j = 5th bit of x_j][16 B nibbles]    x = d (q - 16)
 *   Q5_1  [d][m][u32 qh][16 B nibbles]                x = d q + m
 *   Q4_K  [d][dmin][12 B scales][128 B nibbles]: 8 sub-blocks of 32 with
 *         6-bit scale sc and min mn packed in 12 bytes; the nibbles of byte
 *         l of 32-byte chunk c hold x[64c + l] (low) and x[64c + 32 + l]
 *         (high); x = d sc q - dmin mn
 *   Q5_K  [d][dmin][12 B scales][32 B qh][128 B nibbles]: as Q4_K with a
 *         5th bit: bit 2c of qh[l] for x[64c + l], bit 2c+1 for x[64c+32+l]
 *   Q6_K  [128 B ql][64 B qh][16 x int8 scales][d]: 16 sub-blocks of 16;
 *         x = d sc (q - 32), q 6 bits (4 in ql, 2 in qh)
 *   Q8_K  [f32 d][256 x int8 q][16 x int16 sums of 16 q]  x = d q
 */
#ifndef BAKEOFF_PLUGIN_QUANT_H
#define BAKEOFF_PLUGIN_QUANT_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "bakeoff/backend_abi.h"
#include "bakeoff/plugin_dtype.h"
#include "bakeoff/plugin_half.h"

/* Values per block; 0 for a type that is not block-quantized. */
static inline uint32_t bk_block_elems(uint32_t t) {
    switch (t) {
        case BK_Q8_0:
        case BK_Q4_0:
        case BK_Q4_1:
        case BK_Q5_0:
        case BK_Q5_1: return 32;
        case BK_Q4_K:
        case BK_Q5_K:
        case BK_Q6_K:
        case BK_Q8_K: return 256;
        default: return 0;
    }
}

/* Bytes per block; 0 for a type that is not block-quantized. */
static inline uint32_t bk_block_bytes(uint32_t t) {
    switch (t) {
        case BK_Q8_0: return 34;
        case BK_Q4_0: return 18;
        case BK_Q4_1: return 20;
        case BK_Q5_0: return 22;
        case BK_Q5_1: return 24;
        case BK_Q4_K: return 144;
        case BK_Q5_K: return 176;
        case BK_Q6_K: return 210;
        case BK_Q8_K: return 292;
        default: return 0;
    }
}

static inline int bk_is_block_type(uint32_t t) { return bk_block_elems(t) != 0; }

/* Bytes of a row of n values; 0 when n is not a whole number of blocks. */
static inline uint64_t bk_block_row_bytes(uint32_t t, int64_t n) {
    const uint32_t e = bk_block_elems(t);
    if (e == 0 || n < 0 || n % e != 0) return 0;
    return (uint64_t)(n / e) * bk_block_bytes(t);
}

static inline float bk_quant_f16(const uint8_t* p) {
    uint16_t h;
    memcpy(&h, p, 2);
    return bk_f16_to_f32(h);
}

/* The 6-bit scale and min of sub-block j (0..7) of a Q4_K / Q5_K block. */
static inline void bk_kquant_scale_min(int j, const uint8_t* s, uint8_t* sc, uint8_t* mn) {
    if (j < 4) {
        *sc = s[j] & 63;
        *mn = s[j + 4] & 63;
    } else {
        *sc = (uint8_t)((s[j + 4] & 0xF) | ((s[j - 4] >> 6) << 4));
        *mn = (uint8_t)((s[j + 4] >> 4) | ((s[j] >> 6) << 4));
    }
}

/* One block of type t at src into bk_block_elems(t) floats. */
static inline void bk_dequantize_block(uint32_t t, const uint8_t* b, float* y) {
    int j, c, l;
    switch (t) {
        case BK_Q8_0: {
            const float d = bk_quant_f16(b);
            for (j = 0; j < 32; ++j) y[j] = d * (float)(int8_t)b[2 + j];
            break;
        }
        case BK_Q4_0:
        case BK_Q4_1: {
            const int has_min = t == BK_Q4_1;
            const float d = bk_quant_f16(b);
            const float m = has_min ? bk_quant_f16(b + 2) : -8.0f * d;
            const uint8_t* qs = b + (has_min ? 4 : 2);
            for (j = 0; j < 16; ++j) {
                y[j] = d * (float)(qs[j] & 0xF) + m;
                y[j + 16] = d * (float)(qs[j] >> 4) + m;
            }
            break;
        }
        case BK_Q5_0:
        case BK_Q5_1: {
            const int has_min = t == BK_Q5_1;
            const float d = bk_quant_f16(b);
            const float m = has_min ? bk_quant_f16(b + 2) : -16.0f * d;
            uint32_t qh;
            memcpy(&qh, b + (has_min ? 4 : 2), 4);
            const uint8_t* qs = b + (has_min ? 8 : 6);
            for (j = 0; j < 16; ++j) {
                const int x0 = (qs[j] & 0xF) | (int)(((qh >> j) & 1u) << 4);
                const int x1 = (qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1u) << 4);
                y[j] = d * (float)x0 + m;
                y[j + 16] = d * (float)x1 + m;
            }
            break;
        }
        case BK_Q4_K:
        case BK_Q5_K: {
            const int five = t == BK_Q5_K;
            const float d = bk_quant_f16(b), dmin = bk_quant_f16(b + 2);
            const uint8_t* scales = b + 4;
            const uint8_t* qh = b + 16;
            const uint8_t* qs = b + (five ? 48 : 16);
            for (c = 0; c < 4; ++c) {
                uint8_t sc0, mn0, sc1, mn1;
                bk_kquant_scale_min(2 * c, scales, &sc0, &mn0);
                bk_kquant_scale_min(2 * c + 1, scales, &sc1, &mn1);
                const float d0 = d * sc0, m0 = dmin * mn0, d1 = d * sc1, m1 = dmin * mn1;
                for (l = 0; l < 32; ++l) {
                    const int h0 = five ? ((qh[l] >> (2 * c)) & 1) << 4 : 0;
                    const int h1 = five ? ((qh[l] >> (2 * c + 1)) & 1) << 4 : 0;
                    y[64 * c + l] = d0 * (float)((qs[32 * c + l] & 0xF) | h0) - m0;
                    y[64 * c + 32 + l] = d1 * (float)((qs[32 * c + l] >> 4) | h1) - m1;
                }
            }
            break;
        }
        case BK_Q6_K: {
            const uint8_t* ql = b;
            const uint8_t* qh = b + 128;
            const int8_t* sc = (const int8_t*)(b + 192);
            const float d = bk_quant_f16(b + 208);
            for (c = 0; c < 2; ++c) { /* two halves of 128 values */
                const uint8_t* L = ql + 64 * c;
                const uint8_t* H = qh + 32 * c;
                const int8_t* S = sc + 8 * c;
                float* Y = y + 128 * c;
                for (l = 0; l < 32; ++l) {
                    const int is = l / 16;
                    const int q1 = ((L[l] & 0xF) | (((H[l] >> 0) & 3) << 4)) - 32;
                    const int q2 = ((L[l + 32] & 0xF) | (((H[l] >> 2) & 3) << 4)) - 32;
                    const int q3 = ((L[l] >> 4) | (((H[l] >> 4) & 3) << 4)) - 32;
                    const int q4 = ((L[l + 32] >> 4) | (((H[l] >> 6) & 3) << 4)) - 32;
                    Y[l] = d * (float)S[is + 0] * (float)q1;
                    Y[l + 32] = d * (float)S[is + 2] * (float)q2;
                    Y[l + 64] = d * (float)S[is + 4] * (float)q3;
                    Y[l + 96] = d * (float)S[is + 6] * (float)q4;
                }
            }
            break;
        }
        case BK_Q8_K: {
            float d;
            memcpy(&d, b, 4);
            for (j = 0; j < 256; ++j) y[j] = d * (float)(int8_t)b[4 + j];
            break;
        }
        default: break;
    }
}

/* A row of n values (a whole number of blocks) into floats; returns 0, or -1
 * when t is not a block type or n is not a multiple of its block size. */
static inline int bk_dequantize_row(uint32_t t, const void* src, float* dst, int64_t n) {
    if (bk_block_row_bytes(t, n) == 0 && n != 0) return -1;
    const uint32_t e = bk_block_elems(t), bytes = bk_block_bytes(t);
    const uint8_t* b = (const uint8_t*)src;
    int64_t i;
    for (i = 0; i < n / (int64_t)e; ++i) bk_dequantize_block(t, b + (uint64_t)i * bytes, dst + (uint64_t)i * e);
    return 0;
}

/* The error the ABI allows in a block-quantized GEMM's sum_l a_l w_l (k
 * values of a row of A and of a dequantized row of B; alpha and beta
 * apart): rounding A to 8-bit blocks of `block` values with an f32 scale
 * (a backend may, as llama.cpp does) moves each value by at most half a
 * step, amax / 254 of its block, so the sum by at most
 * R = sum_blocks amax / 254 * sum |w| (x 1.001 for the scale's own
 * rounding); f32 arithmetic adds at most k + 4 roundings of 2^-24 on
 * sum |a w| + R (any order, the scale products, alpha). A backend that does
 * not round A meets the second part alone. */
static inline double bk_quant_gemm_bound(const float* a, const float* w, int64_t k, int64_t block) {
    double rounding = 0, terms = 0;
    int64_t l0, l;
    for (l0 = 0; l0 < k; l0 += block) {
        double amax = 0, wsum = 0;
        for (l = l0; l < l0 + block && l < k; ++l) {
            const double x = fabs((double)a[l]), y = fabs((double)w[l]);
            if (x > amax) amax = x;
            wsum += y;
            terms += x * y;
        }
        rounding += amax / 254 * wsum;
    }
    rounding *= 1.001;
    return rounding + (double)(k + 4) * ldexp(1.0, -24) * (terms + rounding);
}

/* ---- reference quantizers (round to nearest, GGML's rules for the 32-value
 * types) for tests and for random models in a quantized type. The K-types'
 * quantizers are simple min/max ones, valid encodings but not llama.cpp's
 * error-minimising search: use them to make test data, not to judge the
 * quality of a K-quant. ---- */

static inline void bk_quant_put_f16(uint8_t* p, float v) {
    const uint16_t h = bk_f32_to_f16(v);
    memcpy(p, &h, 2);
}

/* Largest |x| and the signed value that has it. */
static inline float bk_quant_absmax(const float* x, int n, float* signed_max) {
    float amax = 0.0f, m = 0.0f;
    int j;
    for (j = 0; j < n; ++j)
        if (fabsf(x[j]) > amax) {
            amax = fabsf(x[j]);
            m = x[j];
        }
    if (signed_max) *signed_max = m;
    return amax;
}

static inline void bk_quant_minmax(const float* x, int n, float* lo, float* hi) {
    float a = x[0], b = x[0];
    int j;
    for (j = 1; j < n; ++j) {
        if (x[j] < a) a = x[j];
        if (x[j] > b) b = x[j];
    }
    *lo = a;
    *hi = b;
}

static inline int bk_quant_clamp(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

/* Q8_K's 6-bit scale packing, the inverse of bk_kquant_scale_min. */
static inline void bk_kquant_pack_scales(const uint8_t sc[8], const uint8_t mn[8], uint8_t* s) {
    int j;
    for (j = 0; j < 4; ++j) {
        s[j] = (uint8_t)((sc[j] & 63) | ((sc[j + 4] >> 4) << 6));
        s[j + 4] = (uint8_t)((mn[j] & 63) | ((mn[j + 4] >> 4) << 6));
        s[j + 8] = (uint8_t)((sc[j + 4] & 0xF) | ((mn[j + 4] & 0xF) << 4));
    }
}

static inline void bk_quantize_block(uint32_t t, const float* x, uint8_t* b) {
    int j, c, l;
    switch (t) {
        case BK_Q8_0: {
            const float d = bk_quant_absmax(x, 32, NULL) / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
            bk_quant_put_f16(b, d);
            for (j = 0; j < 32; ++j) b[2 + j] = (uint8_t)(int8_t)bk_quant_clamp((int)lrintf(x[j] * id), -127, 127);
            break;
        }
        case BK_Q4_0:
        case BK_Q5_0: {
            const int five = t == BK_Q5_0, levels = five ? 32 : 16;
            float m;
            bk_quant_absmax(x, 32, &m);
            const float d = m / -(float)(levels / 2), id = d != 0.0f ? 1.0f / d : 0.0f;
            bk_quant_put_f16(b, d);
            uint8_t* qs = b + (five ? 6 : 2);
            uint32_t qh = 0;
            for (j = 0; j < 16; ++j) {
                const int q0 = bk_quant_clamp((int)(x[j] * id + (float)(levels / 2) + 0.5f), 0, levels - 1);
                const int q1 = bk_quant_clamp((int)(x[j + 16] * id + (float)(levels / 2) + 0.5f), 0, levels - 1);
                qs[j] = (uint8_t)((q0 & 0xF) | ((q1 & 0xF) << 4));
                qh |= (uint32_t)((q0 >> 4) & 1) << j;
                qh |= (uint32_t)((q1 >> 4) & 1) << (j + 16);
            }
            if (five) memcpy(b + 2, &qh, 4);
            break;
        }
        case BK_Q4_1:
        case BK_Q5_1: {
            const int five = t == BK_Q5_1, top = five ? 31 : 15;
            float lo, hi;
            bk_quant_minmax(x, 32, &lo, &hi);
            const float d = (hi - lo) / (float)top, id = d != 0.0f ? 1.0f / d : 0.0f;
            bk_quant_put_f16(b, d);
            bk_quant_put_f16(b + 2, lo);
            uint8_t* qs = b + (five ? 8 : 4);
            uint32_t qh = 0;
            for (j = 0; j < 16; ++j) {
                const int q0 = bk_quant_clamp((int)((x[j] - lo) * id + 0.5f), 0, top);
                const int q1 = bk_quant_clamp((int)((x[j + 16] - lo) * id + 0.5f), 0, top);
                qs[j] = (uint8_t)((q0 & 0xF) | ((q1 & 0xF) << 4));
                qh |= (uint32_t)((q0 >> 4) & 1) << j;
                qh |= (uint32_t)((q1 >> 4) & 1) << (j + 16);
            }
            if (five) memcpy(b + 4, &qh, 4);
            break;
        }
        case BK_Q4_K:
        case BK_Q5_K: {
            /* Per sub-block of 32: the range [min(lo, 0), hi] over 2^bits - 1
             * steps; the scales and mins quantized to 6 bits against the
             * largest of each, then the values against the rounded ones. */
            const int five = t == BK_Q5_K, top = five ? 31 : 15;
            float scale[8], minv[8], maxs = 0.0f, maxm = 0.0f;
            uint8_t sc[8], mn[8];
            for (j = 0; j < 8; ++j) {
                float lo, hi;
                bk_quant_minmax(x + 32 * j, 32, &lo, &hi);
                if (lo > 0.0f) lo = 0.0f;
                scale[j] = (hi - lo) / (float)top;
                minv[j] = -lo;
                if (scale[j] > maxs) maxs = scale[j];
                if (minv[j] > maxm) maxm = minv[j];
            }
            const float d = maxs / 63.0f, dmin = maxm / 63.0f;
            bk_quant_put_f16(b, d);
            bk_quant_put_f16(b + 2, dmin);
            const float dr = bk_quant_f16(b), dminr = bk_quant_f16(b + 2);
            for (j = 0; j < 8; ++j) {
                sc[j] = (uint8_t)bk_quant_clamp(dr > 0.0f ? (int)lrintf(scale[j] / dr) : 0, 0, 63);
                mn[j] = (uint8_t)bk_quant_clamp(dminr > 0.0f ? (int)lrintf(minv[j] / dminr) : 0, 0, 63);
            }
            bk_kquant_pack_scales(sc, mn, b + 4);
            uint8_t* qh = b + 16;
            uint8_t* qs = b + (five ? 48 : 16);
            if (five) memset(qh, 0, 32);
            for (c = 0; c < 4; ++c)
                for (l = 0; l < 32; ++l) {
                    int q[2], h;
                    for (h = 0; h < 2; ++h) {
                        const int s = 2 * c + h;
                        const float step = dr * sc[s], off = dminr * mn[s];
                        q[h] = step > 0.0f ? bk_quant_clamp((int)lrintf((x[64 * c + 32 * h + l] + off) / step), 0, top) : 0;
                        if (five) qh[l] |= (uint8_t)(((q[h] >> 4) & 1) << (2 * c + h));
                    }
                    qs[32 * c + l] = (uint8_t)((q[0] & 0xF) | ((q[1] & 0xF) << 4));
                }
            break;
        }
        case BK_Q6_K: {
            float amax[16], top = 0.0f;
            for (j = 0; j < 16; ++j) {
                amax[j] = bk_quant_absmax(x + 16 * j, 16, NULL);
                if (amax[j] > top) top = amax[j];
            }
            const float d = top / 32.0f / 127.0f;
            bk_quant_put_f16(b + 208, d);
            const float dr = bk_quant_f16(b + 208);
            int8_t* sc = (int8_t*)(b + 192);
            for (j = 0; j < 16; ++j)
                sc[j] = (int8_t)bk_quant_clamp(dr > 0.0f ? (int)lrintf(amax[j] / 32.0f / dr) : 0, -128, 127);
            uint8_t* ql = b;
            uint8_t* qh = b + 128;
            memset(b, 0, 192);
            for (c = 0; c < 2; ++c)
                for (l = 0; l < 32; ++l) {
                    int k;
                    for (k = 0; k < 4; ++k) { /* the four values that share ql/qh bytes */
                        const int idx = 128 * c + l + 32 * k, s = 8 * c + l / 16 + 2 * k;
                        const float step = dr * (float)sc[s];
                        const int q = (step != 0.0f ? bk_quant_clamp((int)lrintf(x[idx] / step), -32, 31) : 0) + 32;
                        uint8_t* L = ql + 64 * c + l + (k & 1) * 32;
                        *L |= (uint8_t)((q & 0xF) << ((k >> 1) * 4));
                        qh[32 * c + l] |= (uint8_t)(((q >> 4) & 3) << (2 * k));
                    }
                }
            break;
        }
        case BK_Q8_K: {
            const float d = bk_quant_absmax(x, 256, NULL) / 127.0f, id = d != 0.0f ? 1.0f / d : 0.0f;
            memcpy(b, &d, 4);
            for (j = 0; j < 256; ++j) b[4 + j] = (uint8_t)(int8_t)bk_quant_clamp((int)lrintf(x[j] * id), -127, 127);
            for (j = 0; j < 16; ++j) {
                int16_t sum = 0;
                for (l = 0; l < 16; ++l) sum = (int16_t)(sum + (int8_t)b[4 + 16 * j + l]);
                memcpy(b + 260 + 2 * j, &sum, 2);
            }
            break;
        }
        default: break;
    }
}

/* A row of n values into blocks of type t; 0, or -1 as bk_dequantize_row. */
static inline int bk_quantize_row(uint32_t t, const float* src, void* dst, int64_t n) {
    if (bk_block_row_bytes(t, n) == 0 && n != 0) return -1;
    const uint32_t e = bk_block_elems(t), bytes = bk_block_bytes(t);
    uint8_t* b = (uint8_t*)dst;
    int64_t i;
    for (i = 0; i < n / (int64_t)e; ++i) bk_quantize_block(t, src + (uint64_t)i * e, b + (uint64_t)i * bytes);
    return 0;
}

#endif /* BAKEOFF_PLUGIN_QUANT_H */
