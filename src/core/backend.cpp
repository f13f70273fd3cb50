#include "core/backend.h"

#include <fmt/format.h>

#include <sstream>

namespace bakeoff {

std::string Backend::last_error() const {
    const char* e = table->last_error ? table->last_error() : nullptr;
    return e && *e ? std::string(e) : std::string("no reason given");
}

void Backend::check(bk_status s, const std::string& what) const {
    if (s == BK_OK) return;
    throw BackendError(s, fmt::format("{}: {}: {}", name, what, last_error()));
}

bool DeviceInfo::is_host() const { return std::strcmp(props.kind, "cpu") == 0; }

std::string DeviceInfo::id() const { return fmt::format("{}:{}", backend->name, index); }

std::map<std::string, std::string> DeviceInfo::properties() const {
    std::map<std::string, std::string> out;
    std::istringstream in(std::string(props.properties, strnlen(props.properties, sizeof props.properties)));
    std::string line;
    while (std::getline(in, line)) {
        auto eq = line.find('=');
        if (eq == std::string::npos || eq == 0) continue;
        out[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return out;
}

Device::Device(const DeviceInfo& info) : info_(info) {
    backend().check(backend().table->device_open(info.index, &handle_),
                    fmt::format("opening device {}", info.index));
}

Device::~Device() {
    if (handle_) backend().table->device_close(handle_);
}

bool Device::supports(const bk_op_desc& op, std::string* reason) const {
    bk_status s = backend().table->supports(handle_, &op);
    if (s == BK_OK) return true;
    if (reason) *reason = backend().last_error();
    return false;
}

std::string Device::op_info(const bk_op_desc& op) const {
    if (!backend().table->op_info) return {};
    char buf[1024] = {};
    if (backend().table->op_info(handle_, &op, buf, sizeof buf) != BK_OK) return {};
    buf[sizeof buf - 1] = '\0';
    return buf;
}

std::optional<bk_telemetry> Device::telemetry() const {
    if (!backend().table->telemetry_read) return std::nullopt;
    bk_telemetry t{};
    t.struct_size = sizeof t;
    if (backend().table->telemetry_read(handle_, &t) != BK_OK || t.valid_mask == 0) return std::nullopt;
    return t;
}

Buffer::Buffer(Device& dev, std::uint64_t bytes) : backend_(dev.backend()), bytes_(bytes) {
    backend_.check(backend_.table->buffer_alloc(dev.handle(), bytes, &handle_),
                   fmt::format("allocating {} bytes", bytes));
}

Buffer::Buffer(Device& dev, std::uint64_t bytes, HostMemory host) : backend_(dev.backend()), bytes_(bytes) {
    if (!host_memory_supported(dev))
        throw BackendError(BK_UNSUPPORTED,
                           fmt::format("{}: the backend has no host buffers (host_buffer_alloc)", backend_.name));
    const std::uint32_t flags = host == HostMemory::pinned ? BK_HOST_PINNED : BK_HOST_PAGEABLE;
    backend_.check(backend_.table->host_buffer_alloc(dev.handle(), bytes, flags, &handle_),
                   fmt::format("allocating {} bytes of {} host memory", bytes,
                               host == HostMemory::pinned ? "pinned" : "pageable"));
}

Buffer::~Buffer() {
    if (handle_) backend_.table->buffer_free(handle_);
}

void Buffer::upload(const void* src, std::uint64_t bytes, std::uint64_t offset) {
    backend_.check(backend_.table->buffer_upload(handle_, offset, src, bytes), "upload");
}

void Buffer::download(void* dst, std::uint64_t bytes, std::uint64_t offset) const {
    backend_.check(backend_.table->buffer_download(handle_, offset, dst, bytes), "download");
}

void Buffer::fill(std::uint32_t pattern) {
    backend_.check(backend_.table->buffer_fill(handle_, 0, bytes_ & ~std::uint64_t{3}, pattern), "fill");
}

Stream::Stream(Device& dev) : backend_(dev.backend()) {
    backend_.check(backend_.table->stream_create(dev.handle(), &handle_), "creating a stream");
}

Stream::~Stream() {
    if (handle_) backend_.table->stream_destroy(handle_);
}

void Stream::launch(const bk_op_desc& op, const std::vector<Buffer*>& operands) {
    std::vector<bk_buffer*> handles;
    handles.reserve(operands.size());
    for (auto* b : operands) handles.push_back(b->handle());
    backend_.check(backend_.table->launch(handle_, &op, handles.data(), static_cast<uint32_t>(handles.size())),
                   "launch");
}

void Stream::sync() { backend_.check(backend_.table->stream_sync(handle_), "stream sync"); }

Event::Event(Device& dev) : backend_(dev.backend()) {
    backend_.check(backend_.table->event_create(dev.handle(), &handle_), "creating an event");
}

Event::~Event() {
    if (handle_) backend_.table->event_destroy(handle_);
}

void Event::record(Stream& s) { backend_.check(backend_.table->event_record(handle_, s.handle()), "event record"); }

double Event::elapsed_ms(const Event& start, const Event& end) {
    double ms = 0;
    start.backend_.check(start.backend_.table->event_elapsed_ms(start.handle_, end.handle_, &ms), "event elapsed");
    return ms;
}

}  // namespace bakeoff
