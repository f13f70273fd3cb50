// C++ handles over the C ABI: a loaded backend, an opened device, buffers,
// streams and events. Every call checks the status the plugin returns and turns
// a failure into a BackendError carrying the plugin's own one-line reason.
#pragma once

#include <bakeoff/backend_abi.h>

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bakeoff {

class BackendError : public std::runtime_error {
public:
    BackendError(bk_status status, const std::string& message)
        : std::runtime_error(message), status_(status) {}
    bk_status status() const { return status_; }

private:
    bk_status status_;
};

// One backend whose table passed the loader's checks.
struct Backend {
    const bk_backend* table = nullptr;  // points at table_copy
    bk_backend table_copy{};            // the plugin's table, zero past its struct_size
    std::string name;
    std::string origin;     // "built-in" or the plugin file's path
    void* dl_handle = nullptr;
    int device_count = 0;
    std::string no_device_reason;  // why device_count is 0, from the plugin

    std::string last_error() const;
    // Throws BackendError("<backend>: <what>: <plugin's reason>") unless s == BK_OK.
    void check(bk_status s, const std::string& what) const;
};

// What the core knows of one device before opening it.
struct DeviceInfo {
    const Backend* backend = nullptr;
    int index = 0;
    bk_device_props props{};

    std::string id() const;  // "cpu:0", "opencl:1"
    // The device is the host's CPU (kind "cpu"): its memory is host memory.
    bool is_host() const;
    // props.properties parsed from "key=value" lines.
    std::map<std::string, std::string> properties() const;
};

class Device {
public:
    explicit Device(const DeviceInfo& info);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    const DeviceInfo& info() const { return info_; }
    const Backend& backend() const { return *info_.backend; }
    bk_device* handle() const { return handle_; }

    // True if the op can run here; otherwise *reason says why.
    bool supports(const bk_op_desc& op, std::string* reason) const;
    // The implementation the backend used for op ("" when it does not say).
    std::string op_info(const bk_op_desc& op) const;
    std::optional<bk_telemetry> telemetry() const;

private:
    DeviceInfo info_;
    bk_device* handle_ = nullptr;
};

class Buffer {
public:
    Buffer(Device& dev, std::uint64_t bytes);
    // Host memory the backend can transfer from and to (host_buffer_alloc),
    // pinned or pageable. Throws BackendError(BK_UNSUPPORTED) naming the
    // backend when it has no host buffers.
    enum class HostMemory { pageable, pinned };
    Buffer(Device& dev, std::uint64_t bytes, HostMemory host);
    static bool host_memory_supported(const Device& dev) { return dev.backend().table->host_buffer_alloc != nullptr; }
    ~Buffer();
    Buffer(const Buffer&) = delete;
    Buffer& operator=(const Buffer&) = delete;

    void upload(const void* src, std::uint64_t bytes, std::uint64_t offset = 0);
    void download(void* dst, std::uint64_t bytes, std::uint64_t offset = 0) const;
    void fill(std::uint32_t pattern);
    std::uint64_t bytes() const { return bytes_; }
    bk_buffer* handle() const { return handle_; }

private:
    const Backend& backend_;
    bk_buffer* handle_ = nullptr;
    std::uint64_t bytes_ = 0;
};

class Stream {
public:
    explicit Stream(Device& dev);
    ~Stream();
    Stream(const Stream&) = delete;
    Stream& operator=(const Stream&) = delete;

    void launch(const bk_op_desc& op, const std::vector<Buffer*>& operands);
    void sync();
    bk_stream* handle() const { return handle_; }

private:
    const Backend& backend_;
    bk_stream* handle_ = nullptr;
};

class Event {
public:
    explicit Event(Device& dev);
    ~Event();
    Event(const Event&) = delete;
    Event& operator=(const Event&) = delete;

    void record(Stream& s);
    // Milliseconds from start to end; both recorded and their stream synced.
    static double elapsed_ms(const Event& start, const Event& end);

private:
    const Backend& backend_;
    bk_event* handle_ = nullptr;
};

}  // namespace bakeoff
