// The paged KV cache's bookkeeping on the host: which of the pool's blocks are
// free. A sequence holds a list of blocks (its row of the block table);
// position p of it lives in block blocks[p / block_size], slot p % block_size.
// Blocks freed by a finished or preempted sequence are reused first (a stack),
// so a long run cycles through a small working set of blocks.
#pragma once

#include <cstdint>
#include <vector>

namespace bakeoff::serve {

class BlockPool {
public:
    BlockPool(std::int64_t num_blocks, std::int64_t block_size);

    std::int64_t block_size() const { return block_size_; }
    std::int64_t total() const { return total_; }
    std::int64_t free_count() const { return std::int64_t(free_.size()); }
    // Blocks that hold `positions` positions.
    std::int64_t blocks_for(std::int64_t positions) const { return (positions + block_size_ - 1) / block_size_; }

    // Grows `blocks` to hold `positions` positions; false (and nothing taken)
    // when the pool has too few free blocks.
    bool grow(std::vector<std::int32_t>& blocks, std::int64_t positions);
    // Returns every block of `blocks` to the pool and clears it.
    void release(std::vector<std::int32_t>& blocks);

private:
    std::int64_t total_, block_size_;
    std::vector<std::int32_t> free_;
};

}  // namespace bakeoff::serve
