#include "core/input_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace bakeoff {

const char* special_file_kind(unsigned m) {
    if (S_ISDIR(m)) return "a directory";
    if (S_ISFIFO(m)) return "a FIFO";
    if (S_ISCHR(m)) return "a character device";
    if (S_ISBLK(m)) return "a block device";
    if (S_ISSOCK(m)) return "a socket";
    return "not a plain file";
}

namespace {
struct Fd {
    int fd;
    ~Fd() { ::close(fd); }
};
}  // namespace

std::string read_input_file(const std::filesystem::path& path) {
    // O_NONBLOCK: opening a FIFO without a writer returns at once, and the
    // fstat below refuses it before any read.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT) throw InputFileError("cannot open: no such file");
        throw InputFileError(fmt::format("cannot open: {}", std::strerror(errno)));
    }
    const Fd guard{fd};
    struct stat st{};
    if (::fstat(fd, &st) != 0) throw InputFileError(fmt::format("cannot read: {}", std::strerror(errno)));
    if (!S_ISREG(st.st_mode)) throw InputFileError(fmt::format("is {}, not a regular file", special_file_kind(st.st_mode)));
    if (std::uintmax_t(st.st_size) > kMaxInputFileBytes)
        throw InputFileError(fmt::format("{} bytes is larger than the {} MiB an input file may be", st.st_size,
                                         kMaxInputFileBytes >> 20));
    std::string text;
    char buf[65536];
    while (true) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw InputFileError(fmt::format("read error: {}", std::strerror(errno)));
        if (n == 0) break;
        // A file that grows while it is read is held to the same bound.
        if (text.size() + std::size_t(n) > kMaxInputFileBytes)
            throw InputFileError(fmt::format("larger than the {} MiB an input file may be", kMaxInputFileBytes >> 20));
        text.append(buf, std::size_t(n));
    }
    return text;
}

}  // namespace bakeoff
