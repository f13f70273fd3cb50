// Collectives on device memory through the backend's own library (NCCL,
// HCCL, CNCL...) behind bk_backend.collectives: rank 0 asks for a unique id,
// every rank joins the communicator with it on its local device, and each
// operation is timed with the backend's events on the stream it runs on.
#include "cluster/collective_data.h"
#include "cluster/participant.h"

#include <fmt/format.h>

#include <limits>
#include <vector>

namespace bakeoff::cluster {

namespace {

std::optional<bk_collective_kind> abi_kind(CollectiveKind k) {
    switch (k) {
        case CollectiveKind::allreduce: return BK_COLL_ALLREDUCE;
        case CollectiveKind::allgather: return BK_COLL_ALLGATHER;
        case CollectiveKind::reduce_scatter: return BK_COLL_REDUCE_SCATTER;
        case CollectiveKind::alltoall: return BK_COLL_ALLTOALL;
        case CollectiveKind::broadcast: return BK_COLL_BROADCAST;
        case CollectiveKind::sendrecv: return std::nullopt;
    }
    return std::nullopt;
}

DeviceInfo device_info(const Backend& backend, int index) {
    DeviceInfo d;
    d.backend = &backend;
    d.index = index;
    d.props.struct_size = sizeof d.props;
    backend.check(backend.table->device_props(index, &d.props), fmt::format("device_props({})", index));
    return d;
}

class DeviceParticipant final : public Participant {
public:
    DeviceParticipant(const ParticipantSpec& s, const Backend& backend, int index, const bk_collectives* coll,
                      bk_collective_kind kind)
        : s_(s), backend_(backend), coll_(coll), kind_(kind), device_(device_info(backend, index)), stream_(device_),
          start_(device_), end_(device_), send_(device_, s.buffers.send_elems * 4),
          recv_(device_, s.buffers.recv_elems * 4) {
        std::vector<float> host(s.buffers.send_elems);
        fill_send(s.seed, s.rank, s.buffers, host.data());
        send_.upload(host.data(), host.size() * 4);
    }
    ~DeviceParticipant() override {
        if (comm_ && coll_->comm_destroy) coll_->comm_destroy(comm_);
    }
    std::string unique_id() override {
        std::vector<char> buf(64 * 1024);  // NCCL needs 128 bytes, HCCL 4108
        std::size_t used = 0;
        backend_.check(coll_->unique_id(buf.data(), buf.size(), &used), "collectives.unique_id");
        if (used > buf.size()) throw std::runtime_error("collectives.unique_id: id larger than the buffer given");
        return std::string(buf.data(), used);
    }
    void connect(const std::string& id) override {
        backend_.check(coll_->comm_init(device_.handle(), s_.nranks, s_.rank, id.data(), id.size(), &comm_),
                       "collectives.comm_init");
    }
    void poison() override { recv_.fill(0x7fc00000u); }  // quiet NaN
    double timed_run() override {
        start_.record(stream_);
        backend_.check(coll_->collective(comm_, stream_.handle(), kind_, BK_F32, send_.handle(), recv_.handle(),
                                         s_.buffers.count, 0),
                       "collectives.collective");
        end_.record(stream_);
        stream_.sync();
        return Event::elapsed_ms(start_, end_) / 1e3;
    }
    std::uint64_t verify(std::string* detail) override {
        std::vector<float> got(s_.buffers.recv_elems);
        recv_.download(got.data(), got.size() * 4);
        return count_wrong(s_.kind, s_.seed, s_.rank, s_.nranks, s_.buffers, got.data(), detail);
    }
    std::string implementation() const override {
        return fmt::format("{} {} on {}", coll_->library ? coll_->library : backend_.name,
                           collective_name(s_.kind), device_.info().props.name);
    }

private:
    ParticipantSpec s_;
    const Backend& backend_;
    const bk_collectives* coll_;
    bk_collective_kind kind_;
    bk_comm* comm_ = nullptr;
    Device device_;
    Stream stream_;
    Event start_, end_;
    Buffer send_, recv_;
};

}  // namespace

std::unique_ptr<Participant> device_participant(const ParticipantSpec& s, const Backend& backend, int device_index) {
    const bk_collectives* coll = backend.table->collectives ? backend.table->collectives() : nullptr;
    if (!coll)
        throw Unavailable(fmt::format("backend {} offers no device collectives (bk_backend.collectives is NULL)",
                                      backend.name));
    if (coll->struct_size < sizeof(bk_collectives) || !coll->unique_id || !coll->comm_init || !coll->collective)
        throw Unavailable(fmt::format("backend {}: its collectives table is incomplete", backend.name));
    const auto kind = abi_kind(s.kind);
    if (!kind)
        throw Unavailable(fmt::format("the backend ABI has no {} collective (point-to-point runs on host memory only)",
                                      collective_name(s.kind)));
    if (backend.device_count <= 0) throw Unavailable(fmt::format("backend {} has no device on this rank", backend.name));
    return std::make_unique<DeviceParticipant>(s, backend, device_index % backend.device_count, coll, *kind);
}

}  // namespace bakeoff::cluster
