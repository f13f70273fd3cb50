// Fuzz target: GGUF files. Opening a file must either succeed or throw
// ModelError; every tensor of a file that opens must lie inside it; reading
// the model it describes (config from the metadata, every tensor converted
// and as stored bytes) must do the same. The input is a whole file.
#include "fuzz_input_file.h"
#include "fuzz_weights.h"

#include "workloads/llm/gguf.h"
#include "workloads/llm/gguf_model.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

using namespace bakeoff::llm;

namespace {

// Models up to this many parameters are read whole (the fuzzer's inputs are small).
constexpr double kMaxParams = 1 << 22;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string& path = bakeoff::fuzz::write_input(data, size, ".gguf");
    std::shared_ptr<const GgufFile> f;
    try {
        f = std::make_shared<const GgufFile>(path);
    } catch (const ModelError&) {
        return 0;
    }
    for (const GgufTensor& t : f->tensors()) {
        const unsigned char* end = f->bytes(t) + t.bytes;
        if (t.bytes != t.row_bytes() * std::uint64_t(t.rows())) {
            std::fprintf(stderr, "tensor '%s': byte count disagrees with its shape\n", t.name.c_str());
            std::abort();
        }
        // Touch the first and last byte: ASan and the mapping catch a range outside the file.
        if (t.bytes) {
            volatile unsigned char first = f->bytes(t)[0], last = end[-1];
            (void)first;
            (void)last;
        }
    }
    LlmConfig c;
    try {
        c = gguf_config(*f);
    } catch (const ModelError&) {
        return 0;
    }
    if (c.matrix_params() + c.norm_params() > kMaxParams) return 0;
    bakeoff::fuzz::read_every_tensor([&](bk_dtype wt) { return gguf_weights(f, c, wt); });
    return 0;
}
