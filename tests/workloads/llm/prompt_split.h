// Decode-after-prefill tests: `batch` rows of P + 1 token ids, split into the
// prompt (the first P of each row) and the next token (the last of each row).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace llm_test {

struct PromptAndNext {
    std::vector<std::int32_t> prompt, next;
};

inline PromptAndNext split_prompt(const std::vector<std::int32_t>& ids, std::int64_t batch, std::int64_t P) {
    PromptAndNext r;
    for (std::int64_t b = 0; b < batch; ++b) {
        for (std::int64_t s = 0; s < P; ++s) r.prompt.push_back(ids[std::size_t(b * (P + 1) + s)]);
        r.next.push_back(ids[std::size_t(b * (P + 1) + P)]);
    }
    return r;
}

}  // namespace llm_test
