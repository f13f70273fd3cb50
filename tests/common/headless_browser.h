// Headless Chromium for the tests of HTML bakeoff writes (the report, the
// leaderboard site): find the browser, load a page from disk and dump its
// DOM or take a screenshot, and read a PNG's size.
#pragma once

#include <sys/wait.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

namespace bakeoff::testing_support {

// Markup a results file may smuggle into a device name, a command line or a
// model label: every HTML output must show it as text, never run it.
inline const std::string kHostileMarkup =
    "<script>window.pwned=1</script>\"><img src=x onerror=\"window.pwned=2\">";

struct BrowserRun {
    int code = -1;
    std::string out, err;
};

// Debian's chromium (or BAKEOFF_CHROMIUM); "" when there is none.
inline std::string chromium() {
    if (const char* e = std::getenv("BAKEOFF_CHROMIUM"); e && *e) return e;
    for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"})
        if (std::filesystem::exists(p)) return p;
    return "";
}

inline std::string read_all(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Runs headless Chromium on a page with `mode` ("--dump-dom" or "--screenshot=..."), killed after 60 s.
inline BrowserRun headless(const std::string& browser, const std::filesystem::path& page, const std::string& mode,
                           const std::filesystem::path& dir) {
    const auto profile = dir / ("profile-" + std::to_string(std::rand()));
    std::filesystem::create_directories(profile);
    const auto out = dir / "browser-stdout.txt", err = dir / "browser-stderr.txt";
    const std::string cmd = "timeout -k 5 60 '" + browser +
                            "' --headless --no-sandbox --disable-gpu --no-first-run --disable-background-networking "
                            "--disable-component-update --disable-sync --disable-dev-shm-usage --hide-scrollbars "
                            "--user-data-dir='" + profile.string() + "' " + mode + " 'file://" + page.string() + "' >'" +
                            out.string() + "' 2>'" + err.string() + "' </dev/null";
    const int status = std::system(cmd.c_str());
    BrowserRun r{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_all(out), read_all(err)};
    std::error_code ec;
    std::filesystem::remove_all(profile, ec);
    return r;
}

// Width and height from a PNG's IHDR; {0, 0} when the file is not a PNG.
inline std::pair<std::uint32_t, std::uint32_t> png_size(const std::string& png) {
    if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || png.compare(12, 4, "IHDR") != 0) return {0, 0};
    auto be32 = [&](std::size_t at) {
        std::uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
        return v;
    };
    return {be32(16), be32(20)};
}

}  // namespace bakeoff::testing_support
