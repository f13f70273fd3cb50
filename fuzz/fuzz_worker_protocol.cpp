// Fuzz target: what the supervisor reads from a worker (an answer line,
// which plugin code in the worker may have written) and what a worker reads
// from the supervisor (a case request). Each must be accepted or refused
// with std::runtime_error; an accepted answer is the record of the case asked.
#include "harness/worker_protocol.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>

using namespace bakeoff;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    CaseSpec asked;
    asked.workload = "membw.triad";
    asked.dtype = BK_F32;
    asked.path = BK_PATH_PORTABLE;
    asked.size = 4 << 20;
    asked.size_label = "4MiB";
    asked.params = {{"elements", 1 << 20}};
    try {
        const Record r = read_answer(text, "0123456789abcdef0123456789abcdef", asked, "cpu:0");
        if (r.id != asked.id() + "@cpu:0" || r.device_id != "cpu:0") std::abort();
    } catch (const std::runtime_error&) {
    }
    // The same bytes as a request line.
    try {
        const auto j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
        if (!j.is_discarded()) (void)case_request_from_json(j);
    } catch (const std::runtime_error&) {
    }
    return 0;
}
