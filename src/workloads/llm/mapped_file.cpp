#include "workloads/llm/mapped_file.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace bakeoff::llm {

namespace {

// An open regular file and its size; throws naming the file.
int open_regular(const std::string& path, std::uint64_t* size) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw ModelError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw ModelError(fmt::format("{}: not a regular file", path));
    }
    *size = std::uint64_t(st.st_size);
    return fd;
}

}  // namespace

MappedFile::MappedFile(const std::string& path) : path_(path) {
    const int fd = open_regular(path, &size_);
    // mmap of 0 bytes fails; an empty file maps to nothing and every reader
    // then finds it too short.
    if (size_ > 0) {
        void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        const int err = errno;
        ::close(fd);  // the mapping keeps the file
        if (p == MAP_FAILED) throw ModelError(fmt::format("{}: mmap failed: {}", path, std::strerror(err)));
        map_ = static_cast<const unsigned char*>(p);
    } else {
        ::close(fd);
    }
}

MappedFile::~MappedFile() {
    if (map_) ::munmap(const_cast<unsigned char*>(map_), size_);
}

std::string read_small_file(const std::string& path, std::uint64_t max_bytes) {
    std::uint64_t size = 0;
    const int fd = open_regular(path, &size);
    if (size > max_bytes) {
        ::close(fd);
        throw ModelError(fmt::format("{}: {} bytes, more than the {} a file of this kind may have", path, size, max_bytes));
    }
    std::string s(size, '\0');
    std::uint64_t got = 0;
    while (got < size) {
        const ssize_t n = ::read(fd, s.data() + got, size - got);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // shrank while read: what was there
        got += std::uint64_t(n);
    }
    ::close(fd);
    s.resize(got);
    return s;
}

}  // namespace bakeoff::llm
