#include "results/atomic_write.h"

#include "core/input_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

namespace bakeoff {

namespace {
[[noreturn]] void fail(const std::filesystem::path& path, int err, const char* tmp_to_remove) {
    if (tmp_to_remove) ::unlink(tmp_to_remove);
    throw std::runtime_error(fmt::format("cannot write {}: {}", path.string(), std::strerror(err)));
}
}  // namespace

void write_text_atomic(const std::filesystem::path& path, std::string_view text) {
    // The rename below replaces whatever has the name: a device node
    // (`--out /dev/null` run as root), a FIFO, a socket. Only a regular file
    // (or nothing) may be replaced; writing through to a device is not offered.
    struct stat st{};
    if (::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode))
        throw std::runtime_error(fmt::format("cannot write {}: it is {}, not a regular file", path.string(),
                                             special_file_kind(st.st_mode)));
    auto dir = path.parent_path();
    if (dir.empty()) dir = ".";
    const std::string tmpl = (dir / ("." + path.filename().string() + ".XXXXXX")).string();
    std::vector<char> name(tmpl.begin(), tmpl.end());
    name.push_back('\0');
    const int fd = ::mkstemp(name.data());
    if (fd < 0) fail(path, errno, nullptr);
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t w = ::write(fd, text.data() + done, text.size() - done);
        if (w < 0) {
            if (errno == EINTR) continue;
            const int e = errno;
            ::close(fd);
            fail(path, e, name.data());
        }
        done += std::size_t(w);
    }
    ::fchmod(fd, 0644);
    if (::fsync(fd) != 0) {
        const int e = errno;
        ::close(fd);
        fail(path, e, name.data());
    }
    if (::close(fd) != 0) fail(path, errno, name.data());
    if (std::rename(name.data(), path.c_str()) != 0) fail(path, errno, name.data());
}

}  // namespace bakeoff
