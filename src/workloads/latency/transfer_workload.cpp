#include "workloads/latency/transfer_workload.h"

#include "numeric/rng.h"
#include "workloads/op_desc.h"
#include "workloads/sizes.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

namespace bakeoff {

namespace {

constexpr std::int64_t kKiB = 1 << 10, kMiB = 1 << 20, kGiB = 1 << 30;
constexpr std::uint32_t kPoison = 0xA5C3E187u;

bool pinned(const CaseSpec& c) { return c.params.at("host_memory").get<std::string>() == "pinned"; }

class TransferCase final : public CaseInstance {
public:
    TransferCase(Device& dev, TransferDirection dir, const CaseSpec& c, std::uint64_t seed, bk_op_desc op)
        : dir_(dir), bytes_(std::uint64_t(c.size)), seed_(seed), op_(op) {
        host_ = std::make_unique<Buffer>(dev, bytes_,
                                         pinned(c) ? Buffer::HostMemory::pinned : Buffer::HostMemory::pageable);
        device_ = std::make_unique<Buffer>(dev, bytes_);
        // The source holds the pattern; it is written once and never changes.
        Buffer& src = dir_ == TransferDirection::h2d ? *host_ : *device_;
        std::vector<std::uint8_t> chunk(std::min(bytes_, TransferWorkload::kChunk));
        for (std::uint64_t off = 0, i = 0; off < bytes_; off += chunk.size(), ++i) {
            const std::uint64_t n = std::min<std::uint64_t>(chunk.size(), bytes_ - off);
            TransferWorkload::pattern_chunk(seed_, i, chunk.data(), n);
            src.upload(chunk.data(), n, off);
        }
    }

    Buffer& dst() { return dir_ == TransferDirection::h2d ? *device_ : *host_; }
    Buffer& src() { return dir_ == TransferDirection::h2d ? *host_ : *device_; }

    void poison() override { dst().fill(kPoison); }

    void run(Stream& s) override { s.launch(op_, {&src(), &dst()}); }

    Verification verify() override {
        Verification v;
        v.method = "every byte exact vs the seeded pattern of the source";
        v.measure = "bytes that differ";
        std::vector<std::uint8_t> want(std::min(bytes_, TransferWorkload::kChunk)), got(want.size());
        std::uint64_t bad = 0, first = 0;
        for (std::uint64_t off = 0, i = 0; off < bytes_; off += want.size(), ++i) {
            const std::uint64_t n = std::min<std::uint64_t>(want.size(), bytes_ - off);
            TransferWorkload::pattern_chunk(seed_, i, want.data(), n);
            dst().download(got.data(), n, off);
            for (std::uint64_t j = 0; j < n; ++j)
                if (got[j] != want[j] && bad++ == 0) first = off + j;
        }
        v.error = double(bad);
        v.ok = bad == 0;
        if (!v.ok) v.detail = fmt::format("{} of {} bytes differ; first at offset {}", bad, bytes_, first);
        return v;
    }

    bk_op_desc main_op() const override { return op_; }

private:
    TransferDirection dir_;
    std::uint64_t bytes_, seed_;
    bk_op_desc op_;
    std::unique_ptr<Buffer> host_, device_;
};

}  // namespace

void TransferWorkload::pattern_chunk(std::uint64_t seed, std::uint64_t chunk, std::uint8_t* out, std::uint64_t bytes) {
    SplitMix64 g(seed ^ (0x9E3779B97F4A7C15ull * (chunk + 1)));
    for (std::uint64_t i = 0; i < bytes; i += 8) {
        const std::uint64_t v = g.next();
        std::memcpy(out + i, &v, std::min<std::uint64_t>(8, bytes - i));
    }
}

std::string TransferWorkload::description() const {
    return dir_ == TransferDirection::h2d ? "host-to-device copy bandwidth (pinned and pageable host memory)"
                                          : "device-to-host copy bandwidth (pinned and pageable host memory)";
}

std::vector<CaseSpec> TransferWorkload::cases(Suite suite, const DeviceInfo&, const CaseChoice& choice) const {
    std::vector<std::int64_t> sizes;
    switch (suite) {
        case Suite::smoke: sizes = {64 * kKiB, 4 * kMiB}; break;
        case Suite::quick: sizes = {64 * kKiB, 4 * kMiB, 64 * kMiB}; break;
        case Suite::standard: sizes = {64 * kKiB, 1 * kMiB, 16 * kMiB, 256 * kMiB}; break;
        case Suite::full: sizes = {64 * kKiB, 1 * kMiB, 16 * kMiB, 256 * kMiB, 1 * kGiB}; break;
        case Suite::collective: return {};
    }
    if (!choice.sizes.empty()) sizes = choice.sizes;
    // A byte copy: listed as u8, other dtypes select nothing.
    if (!choice.allows(BK_U8))
        return {};
    std::vector<CaseSpec> out;
    for (const char* mem : {"pinned", "pageable"}) {
        for (std::int64_t b : sizes) {
            const std::int64_t bytes = std::max<std::int64_t>(4, b / 4 * 4);  // fills work in 4-byte words
            out.push_back({.workload = id(),
                           .dtype = BK_U8,
                           .path = BK_PATH_VENDOR,  // the platform's copy engine, through its runtime
                           .size = bytes,
                           .size_label = format_bytes(std::uint64_t(bytes)) + "-" + mem,
                           .params = {{"bytes", bytes},
                                      {"host_memory", mem},
                                      {"direction", dir_ == TransferDirection::h2d ? "host to device" : "device to host"}}});
        }
    }
    return out;
}

std::string TransferWorkload::not_applicable(const DeviceInfo& device) const {
    if (!device.is_host()) return {};
    return "the device is the host: its memory is host memory, so there is no host-device copy to measure";
}

WorkCounts TransferWorkload::counts(const CaseSpec& c) const {
    WorkCounts w;
    w.bytes = double(c.size);
    return w;
}

std::vector<bk_op_desc> TransferWorkload::ops(const CaseSpec& c) const {
    return {stream_op(BK_OP_TRANSFER, BK_U8, c.path, c.size)};
}

std::unique_ptr<CaseInstance> TransferWorkload::prepare(Device& device, const CaseSpec& c, std::uint64_t seed) const {
    if (c.size < 4 || c.size % 4 != 0)
        throw std::invalid_argument(fmt::format("{}: size must be a positive multiple of 4 bytes", id()));
    return std::make_unique<TransferCase>(device, dir_, c, seed, ops(c).front());
}

}  // namespace bakeoff
