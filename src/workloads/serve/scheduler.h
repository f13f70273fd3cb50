// The continuous-batching scheduler of llm.serve (docs/serving.md): pure
// bookkeeping, no device and no clock, so its decisions are tested step by
// step. Each step it packs, under a token budget:
//   1. every running sequence, in admission order: one row for one that is
//      decoding, the next chunk of its prompt for one still in prefill
//      (chunked prefill);
//   2. then waiting requests, first come first served, while the budget, the
//      sequence limit and the free KV blocks allow: each admitted with the
//      first chunk of its prompt.
// A running sequence that needs a block when none is free preempts the
// sequence admitted last (recompute: its blocks are freed, it goes back to the
// head of the queue keeping the tokens it generated, and its whole text is
// prefilled again when it is readmitted — vLLM's default); preemptions and
// requests that had to wait for a step are counted.
// A chunk that reaches the end of its sequence's known tokens samples the next
// token (greedy, by the engine); a sequence is done after its output length.
#pragma once

#include "workloads/serve/kv_blocks.h"

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace bakeoff::serve {

struct SchedulerLimits {
    std::int64_t max_tokens = 256;  // rows per step (the token budget)
    std::int64_t max_seqs = 8;      // sequences per step
    std::int64_t num_blocks = 64;
    std::int64_t block_size = 16;
    std::int64_t max_blocks = 64;   // blocks one sequence may hold (block-table row)
};

struct Sequence {
    std::int64_t id = 0;
    std::vector<std::int32_t> tokens;  // prompt, then the generated tokens
    std::int64_t prompt_len = 0, output_len = 0;
    std::int64_t computed = 0;         // positions in the cache
    std::int64_t generated = 0;
    std::vector<std::int32_t> blocks;
    bool waited = false;               // could not be admitted at a step it was waiting for
    int preempted = 0;
};

struct Chunk {
    std::int64_t seq = 0;    // Sequence::id
    std::int64_t start = 0;  // first position
    std::int64_t len = 0;    // rows
    bool samples = false;    // reaches the end of the known tokens: the next token is sampled
};

struct StepPlan {
    std::vector<Chunk> chunks;  // running sequences first, in admission order
    std::int64_t tokens = 0;
};

class Scheduler {
public:
    explicit Scheduler(const SchedulerLimits& limits);

    // "" when a request of these lengths can ever run alone here, else why.
    std::string check_request(std::int64_t prompt_len, std::int64_t output_len) const;
    // A request arrives (throws std::invalid_argument when check_request refuses it).
    void add(std::int64_t id, std::vector<std::int32_t> prompt, std::int64_t output_len);

    // The next step; empty when nothing is waiting or running.
    StepPlan schedule();
    // After the step ran: the sampled token of each chunk that samples, in
    // chunk order. Returns the ids of sequences that finished (their blocks
    // are back in the pool; sequence() still answers for them).
    std::vector<std::int64_t> complete(const StepPlan& plan, const std::vector<std::int32_t>& sampled);

    const Sequence& sequence(std::int64_t id) const;
    bool idle() const { return waiting_.empty() && running_.empty(); }
    std::size_t waiting() const { return waiting_.size(); }
    std::size_t running() const { return running_.size(); }
    std::int64_t preemptions() const { return preemptions_; }
    std::int64_t free_blocks() const { return pool_.free_count(); }
    const SchedulerLimits& limits() const { return limits_; }

private:
    Sequence& get(std::int64_t id);
    void preempt(std::int64_t id);

    SchedulerLimits limits_;
    BlockPool pool_;
    std::vector<Sequence> seqs_;        // by id order of arrival; id -> index in index_
    std::vector<std::int64_t> index_;   // id -> position in seqs_ (-1: unknown)
    std::deque<std::int64_t> waiting_;  // ids
    std::vector<std::int64_t> running_; // ids, in admission order
    std::int64_t preemptions_ = 0;
};

}  // namespace bakeoff::serve
