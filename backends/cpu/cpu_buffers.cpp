// Buffers: host memory, aligned, first touched in parallel with the same
// static split the kernels use so that on a NUMA machine each thread's pages
// land on its own node.
#include "cpu_internal.h"

#if defined(__x86_64__)
#include <emmintrin.h>
#endif
#include <omp.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

namespace bk_cpu {
namespace {

constexpr uint64_t kHugePage = 2ull << 20;
constexpr uint64_t kHugeFrom = 4ull << 20;      // buffers this large get 2 MiB pages
constexpr uint64_t kParallelFrom = 1ull << 20;  // and parallel first touch / fill

bk_status check_buffer(const Buffer* b, const char* fn) {
    if (!b) return fail(BK_INVALID_ARGUMENT, std::string(fn) + ": null buffer");
    if (b->magic != Buffer::kMagic)
        return fail(BK_INVALID_ARGUMENT, std::string(fn) + ": not a live cpu buffer");
    return BK_OK;
}

// Writes `pattern` repeated over [dst, dst + bytes), splitting the work like
// the kernels do when it is large. Fills at least as large as the last-level
// cache (the harness poisons outputs before every timed run) use non-temporal
// stores: a poisoned output must not sit dirty in the cache and be written
// back inside the timed run that follows, which would count against it.
void parallel_fill(unsigned char* base, uint64_t offset, uint64_t bytes, uint32_t pattern) {
    unsigned char pat[4];
    std::memcpy(pat, &pattern, 4);
    const uint64_t llc = host_info().llc_total_bytes;
#if defined(__x86_64__)
    const bool streaming = llc > 0 && bytes >= llc;
#else
    const bool streaming = false;
#endif
    auto fill_range = [&](uint64_t begin, uint64_t end) {
        // The pattern is anchored at `offset`: byte i of the fill is pat[(i - offset) % 4].
        uint64_t i = begin;
        while (i < end && ((i - offset) % 4 != 0 || (streaming && reinterpret_cast<uintptr_t>(base + i) % 8 != 0))) {
            base[i] = pat[(i - offset) % 4];
            ++i;
        }
#if defined(__x86_64__)
        if (streaming) {
            // i - offset is a multiple of 4 here, so every 8-byte word starts the pattern afresh.
            long long word;
            std::memcpy(&word, pat, 4);
            std::memcpy(reinterpret_cast<unsigned char*>(&word) + 4, pat, 4);
            for (; i + 8 <= end; i += 8) _mm_stream_si64(reinterpret_cast<long long*>(base + i), word);
            _mm_sfence();
            for (; i < end; ++i) base[i] = pat[(i - offset) % 4];
            return;
        }
#endif
        if (pattern == 0 || (pat[0] == pat[1] && pat[1] == pat[2] && pat[2] == pat[3])) {
            std::memset(base + i, pat[0], end - i);
            return;
        }
        for (; i + 4 <= end; i += 4) std::memcpy(base + i, pat, 4);
        for (; i < end; ++i) base[i] = pat[(i - offset) % 4];
    };
    if (bytes < kParallelFrom) {
        fill_range(offset, offset + bytes);
        return;
    }
    LaunchPin pin;
#pragma omp parallel
    {
        pin_omp_thread();
        int64_t b = 0, e = 0;
        static_range(static_cast<int64_t>(offset + bytes), kPageBytes, omp_get_thread_num(),
                     omp_get_num_threads(), b, e);
        const uint64_t lo = std::max<uint64_t>(static_cast<uint64_t>(b), offset);
        const uint64_t hi = static_cast<uint64_t>(e);
        if (hi > lo) fill_range(lo, hi);
    }
}

}  // namespace

bk_status buffer_alloc(uint64_t bytes, Buffer** out) {
    if (!out) return fail(BK_INVALID_ARGUMENT, "buffer_alloc: null output pointer");
    *out = nullptr;
    const MemInfo mem = mem_info();
    if (mem.available && bytes > mem.available)
        return fail(BK_OUT_OF_MEMORY, "buffer_alloc: " + human_bytes(bytes) + " requested, " +
                                          human_bytes(mem.available) + " of host memory available");
    const bool huge = bytes >= kHugeFrom;
    const uint64_t align = huge ? kHugePage : 64;
    uint64_t size = bytes ? bytes : 64;
    if (size > UINT64_MAX - align)
        return fail(BK_OUT_OF_MEMORY, "buffer_alloc: " + std::to_string(bytes) + " bytes is too large");
    size = (size + align - 1) / align * align;
    void* p = nullptr;
    if (posix_memalign(&p, align, size) != 0 || !p)
        return fail(BK_OUT_OF_MEMORY, "buffer_alloc: could not allocate " + human_bytes(bytes));
#ifdef MADV_HUGEPAGE
    if (huge) madvise(p, size, MADV_HUGEPAGE);  // advisory; failure is harmless
#endif
    auto* b = new (std::nothrow) Buffer;
    if (!b) {
        std::free(p);
        return fail(BK_OUT_OF_MEMORY, "buffer_alloc: out of memory for the handle");
    }
    b->ptr = static_cast<unsigned char*>(p);
    b->bytes = bytes;
    b->huge = huge;
    // First touch: zero the pages from the threads that will use them. The
    // split is over the requested bytes, as the kernels split their elements.
    parallel_fill(b->ptr, 0, bytes, 0);
    *out = b;
    return BK_OK;
}

void buffer_free(Buffer* b) {
    if (!b || b->magic != Buffer::kMagic) return;
    b->magic = 0;
    std::free(b->ptr);
    delete b;
}

bk_status buffer_upload(Buffer* b, uint64_t offset, const void* src, uint64_t bytes) {
    if (bk_status st = check_buffer(b, "buffer_upload"); st != BK_OK) return st;
    if (bk_status st = bk_plugin::check_range("buffer_upload", b->bytes, offset, bytes); st != BK_OK) return st;
    if (bytes && !src) return fail(BK_INVALID_ARGUMENT, "buffer_upload: null source");
    if (bytes) std::memcpy(b->ptr + offset, src, bytes);
    return BK_OK;
}

bk_status buffer_download(Buffer* b, uint64_t offset, void* dst, uint64_t bytes) {
    if (bk_status st = check_buffer(b, "buffer_download"); st != BK_OK) return st;
    if (bk_status st = bk_plugin::check_range("buffer_download", b->bytes, offset, bytes); st != BK_OK)
        return st;
    if (bytes && !dst) return fail(BK_INVALID_ARGUMENT, "buffer_download: null destination");
    if (bytes) std::memcpy(dst, b->ptr + offset, bytes);
    return BK_OK;
}

bk_status buffer_fill(Buffer* b, uint64_t offset, uint64_t bytes, uint32_t pattern) {
    if (bk_status st = check_buffer(b, "buffer_fill"); st != BK_OK) return st;
    if (bk_status st = bk_plugin::check_fill("buffer_fill", b->bytes, offset, bytes); st != BK_OK) return st;
    if (bytes) parallel_fill(b->ptr, offset, bytes, pattern);
    return BK_OK;
}

std::string buffer_policy() {
    return "64-byte aligned; from " + human_bytes(kHugeFrom) +
           " 2 MiB aligned with MADV_HUGEPAGE; first touch in parallel with the kernels' static "
           "split";
}

bk_status check_operand(bk_buffer* const* operands, uint32_t index, uint64_t need, const char* what,
                        Buffer** out) {
    Buffer* b = reinterpret_cast<Buffer*>(operands[index]);
    if (!b) return fail(BK_INVALID_ARGUMENT, std::string("operand ") + what + " is null");
    if (b->magic != Buffer::kMagic)
        return fail(BK_INVALID_ARGUMENT, std::string("operand ") + what + " is not a live cpu buffer");
    if (std::string why = bk_plugin::operand_size_rule(what, b->bytes, need); !why.empty())
        return fail(BK_INVALID_ARGUMENT, why);
    *out = b;
    return BK_OK;
}

}  // namespace bk_cpu
