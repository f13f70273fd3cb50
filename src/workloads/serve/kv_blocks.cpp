#include "workloads/serve/kv_blocks.h"

#include <stdexcept>

namespace bakeoff::serve {

BlockPool::BlockPool(std::int64_t num_blocks, std::int64_t block_size) : total_(num_blocks), block_size_(block_size) {
    if (num_blocks < 1 || block_size < 1 || num_blocks > INT32_MAX)
        throw std::invalid_argument("a KV block pool needs at least one block of at least one position");
    free_.reserve(std::size_t(num_blocks));
    // Block 0 on top: a fresh pool hands out blocks in order.
    for (std::int64_t b = num_blocks - 1; b >= 0; --b) free_.push_back(std::int32_t(b));
}

bool BlockPool::grow(std::vector<std::int32_t>& blocks, std::int64_t positions) {
    const std::int64_t need = blocks_for(positions) - std::int64_t(blocks.size());
    if (need <= 0) return true;
    if (need > free_count()) return false;
    for (std::int64_t i = 0; i < need; ++i) {
        blocks.push_back(free_.back());
        free_.pop_back();
    }
    return true;
}

void BlockPool::release(std::vector<std::int32_t>& blocks) {
    for (auto it = blocks.rbegin(); it != blocks.rend(); ++it) free_.push_back(*it);
    blocks.clear();
}

}  // namespace bakeoff::serve
