#include "workloads/serve/scheduler.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace bakeoff::serve {

Scheduler::Scheduler(const SchedulerLimits& l) : limits_(l), pool_(l.num_blocks, l.block_size) {
    if (l.max_tokens < 1 || l.max_seqs < 1 || l.max_blocks < 1)
        throw std::invalid_argument("a scheduler needs a token budget, a sequence limit and a block-table row");
}

std::string Scheduler::check_request(std::int64_t prompt_len, std::int64_t output_len) const {
    if (prompt_len < 1 || output_len < 1) return "a request needs at least one prompt and one output token";
    // The last output token is sampled, never written to the cache.
    const std::int64_t blocks = pool_.blocks_for(prompt_len + output_len - 1);
    if (blocks > limits_.max_blocks)
        return fmt::format("a request of {} + {} tokens needs {} KV blocks of {}, more than a sequence may hold ({})",
                           prompt_len, output_len, blocks, limits_.block_size, limits_.max_blocks);
    if (blocks > pool_.total())
        return fmt::format("a request of {} + {} tokens needs {} KV blocks of {}; the cache holds {}", prompt_len,
                           output_len, blocks, limits_.block_size, pool_.total());
    return {};
}

void Scheduler::add(std::int64_t id, std::vector<std::int32_t> prompt, std::int64_t output_len) {
    if (auto why = check_request(std::int64_t(prompt.size()), output_len); !why.empty())
        throw std::invalid_argument(why);
    if (id < 0 || (id < std::int64_t(index_.size()) && index_[std::size_t(id)] >= 0))
        throw std::invalid_argument(fmt::format("request id {} is negative or already known", id));
    if (id >= std::int64_t(index_.size())) index_.resize(std::size_t(id) + 1, -1);
    index_[std::size_t(id)] = std::int64_t(seqs_.size());
    Sequence s;
    s.id = id;
    s.prompt_len = std::int64_t(prompt.size());
    s.output_len = output_len;
    s.tokens = std::move(prompt);
    seqs_.push_back(std::move(s));
    waiting_.push_back(id);
}

Sequence& Scheduler::get(std::int64_t id) { return seqs_.at(std::size_t(index_.at(std::size_t(id)))); }
const Sequence& Scheduler::sequence(std::int64_t id) const {
    return seqs_.at(std::size_t(index_.at(std::size_t(id))));
}

void Scheduler::preempt(std::int64_t id) {
    Sequence& s = get(id);
    pool_.release(s.blocks);
    s.computed = 0;
    ++s.preempted;
    ++preemptions_;
    running_.erase(std::find(running_.begin(), running_.end(), id));
    waiting_.push_front(id);
}

StepPlan Scheduler::schedule() {
    StepPlan plan;
    std::int64_t budget = limits_.max_tokens;
    // 1. Running sequences, oldest first; one that cannot get a block evicts
    //    the youngest (itself when it is the youngest).
    for (std::size_t i = 0; i < running_.size() && budget > 0;) {
        Sequence& s = get(running_[i]);
        const std::int64_t len = std::min(std::int64_t(s.tokens.size()) - s.computed, budget);
        // The victim is never in this step's plan yet: the plan holds
        // running_[0 .. i-1], the victim is running_.back().
        bool evicted_self = false;
        while (!pool_.grow(s.blocks, s.computed + len)) {
            const std::int64_t victim = running_.back();
            evicted_self = victim == s.id;
            preempt(victim);
            if (evicted_self) break;
        }
        if (evicted_self) continue;  // running_[i] is now the next sequence
        plan.chunks.push_back({s.id, s.computed, len, s.computed + len == std::int64_t(s.tokens.size())});
        plan.tokens += len;
        budget -= len;
        ++i;
    }
    // 2. Waiting requests, first come first served.
    while (!waiting_.empty() && budget > 0 && std::int64_t(running_.size()) < limits_.max_seqs) {
        Sequence& s = get(waiting_.front());
        const std::int64_t len = std::min(std::int64_t(s.tokens.size()), budget);
        if (!pool_.grow(s.blocks, len)) break;
        waiting_.pop_front();
        running_.push_back(s.id);
        plan.chunks.push_back({s.id, 0, len, len == std::int64_t(s.tokens.size())});
        plan.tokens += len;
        budget -= len;
    }
    for (std::int64_t id : waiting_) get(id).waited = true;
    return plan;
}

std::vector<std::int64_t> Scheduler::complete(const StepPlan& plan, const std::vector<std::int32_t>& sampled) {
    std::vector<std::int64_t> done;
    std::size_t next = 0;
    for (const Chunk& c : plan.chunks) {
        Sequence& s = get(c.seq);
        s.computed = c.start + c.len;
        if (!c.samples) continue;
        if (next >= sampled.size()) throw std::invalid_argument("fewer sampled tokens than sampling chunks");
        s.tokens.push_back(sampled[next++]);
        ++s.generated;
        if (s.generated >= s.output_len) {
            pool_.release(s.blocks);
            running_.erase(std::find(running_.begin(), running_.end(), s.id));
            done.push_back(s.id);
        }
    }
    if (next != sampled.size()) throw std::invalid_argument("more sampled tokens than sampling chunks");
    return done;
}

}  // namespace bakeoff::serve
