// The one error type of the model readers (GGUF, safetensors, config.json,
// the shard index): a bad or unsupported model file. Its message is one line
// naming the file and the key or tensor at fault, so the command can print it
// as it is and exit 1.
#pragma once

#include <stdexcept>

namespace bakeoff::llm {

class ModelError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace bakeoff::llm
