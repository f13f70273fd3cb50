// The continuous-batching scheduler, step by step and on a simulated clock:
// admission, chunked prefill under the token budget, decode rows first,
// the sequence limit, preemption by recompute, and block reuse.
#include "workloads/serve/scheduler.h"

#include <gtest/gtest.h>

#include <map>
#include <numeric>

namespace bakeoff::serve {
namespace {

std::vector<std::int32_t> prompt(std::int64_t n, std::int32_t first = 1) {
    std::vector<std::int32_t> p(static_cast<std::size_t>(n));
    std::iota(p.begin(), p.end(), first);
    return p;
}

// The tokens the "model" samples: 1000 + the chunk's sequence id.
std::vector<std::int32_t> sample(const StepPlan& plan) {
    std::vector<std::int32_t> t;
    for (const auto& c : plan.chunks)
        if (c.samples) t.push_back(std::int32_t(1000 + c.seq));
    return t;
}

TEST(Scheduler, ChunksAPromptUnderTheTokenBudgetThenDecodes) {
    Scheduler s({32, 4, 64, 16, 16});
    s.add(0, prompt(100), 3);
    std::vector<std::int64_t> lens;
    StepPlan p;
    for (int i = 0; i < 4; ++i) {
        p = s.schedule();
        ASSERT_EQ(p.chunks.size(), 1u);
        lens.push_back(p.chunks[0].len);
        EXPECT_EQ(p.chunks[0].start, 32 * i);
        EXPECT_EQ(p.chunks[0].samples, i == 3);  // only the chunk that ends the prompt samples
        s.complete(p, sample(p));
    }
    EXPECT_EQ(lens, (std::vector<std::int64_t>{32, 32, 32, 4}));
    EXPECT_EQ(s.sequence(0).generated, 1);
    // Decode: one row at the next position, each sampling.
    p = s.schedule();
    ASSERT_EQ(p.chunks.size(), 1u);
    EXPECT_EQ(p.chunks[0].start, 100);
    EXPECT_EQ(p.chunks[0].len, 1);
    EXPECT_TRUE(p.chunks[0].samples);
    s.complete(p, sample(p));
    p = s.schedule();
    const auto done = s.complete(p, sample(p));
    EXPECT_EQ(done, (std::vector<std::int64_t>{0}));
    EXPECT_TRUE(s.idle());
    EXPECT_EQ(s.sequence(0).tokens.size(), 103u);
    EXPECT_EQ(s.free_blocks(), 64);  // every block back
}

TEST(Scheduler, RunningDecodesComeBeforeANewPromptAndShareTheBudget) {
    Scheduler s({20, 4, 64, 16, 16});
    s.add(0, prompt(5), 10);
    StepPlan p = s.schedule();
    s.complete(p, sample(p));
    s.add(1, prompt(40), 2);
    p = s.schedule();
    ASSERT_EQ(p.chunks.size(), 2u);
    EXPECT_EQ(p.chunks[0].seq, 0);  // the decode row first
    EXPECT_EQ(p.chunks[0].len, 1);
    EXPECT_EQ(p.chunks[1].seq, 1);  // the new prompt gets what is left: 19 rows
    EXPECT_EQ(p.chunks[1].len, 19);
    EXPECT_FALSE(p.chunks[1].samples);
    EXPECT_EQ(p.tokens, 20);
}

TEST(Scheduler, TheSequenceLimitQueuesRequestsAndCountsThem) {
    Scheduler s({256, 2, 64, 16, 16});
    for (int i = 0; i < 3; ++i) s.add(i, prompt(8), 2);
    StepPlan p = s.schedule();
    EXPECT_EQ(p.chunks.size(), 2u);
    EXPECT_EQ(s.waiting(), 1u);
    EXPECT_TRUE(s.sequence(2).waited);
    EXPECT_FALSE(s.sequence(0).waited);
    s.complete(p, sample(p));
    p = s.schedule();
    s.complete(p, sample(p));  // 0 and 1 finish (2 tokens each)
    p = s.schedule();
    ASSERT_EQ(p.chunks.size(), 1u);
    EXPECT_EQ(p.chunks[0].seq, 2);
}

TEST(Scheduler, NoFreeBlockPreemptsTheYoungestWhichIsRecomputedWithItsTokens) {
    // 4 blocks of 4 positions: two sequences of 8 + 4 fit only while short.
    Scheduler s({64, 4, 4, 4, 4});
    s.add(0, prompt(6), 6);
    s.add(1, prompt(6, 100), 6);
    std::map<std::int64_t, int> finished;
    int steps = 0;
    while (!s.idle() && steps < 100) {
        StepPlan p = s.schedule();
        ASSERT_FALSE(p.chunks.empty());
        for (auto id : s.complete(p, sample(p))) ++finished[id];
        ++steps;
    }
    EXPECT_GE(s.preemptions(), 1);
    EXPECT_EQ(s.sequence(1).preempted, s.preemptions());  // always the younger one
    EXPECT_EQ(finished[0], 1);
    EXPECT_EQ(finished[1], 1);
    // Each got exactly its output length, its prompt intact, despite the recompute.
    for (int id : {0, 1}) {
        const Sequence& q = s.sequence(id);
        EXPECT_EQ(q.generated, 6);
        ASSERT_EQ(q.tokens.size(), 12u);
        EXPECT_EQ(q.tokens[0], id == 0 ? 1 : 100);
        EXPECT_EQ(q.tokens.back(), 1000 + id);
    }
    EXPECT_EQ(s.free_blocks(), 4);
}

TEST(Scheduler, BlocksOfAFinishedSequenceAreReused) {
    Scheduler s({64, 1, 2, 16, 2});
    s.add(0, prompt(10), 1);
    StepPlan p = s.schedule();
    const std::vector<std::int32_t> first = s.sequence(0).blocks;
    s.complete(p, sample(p));
    s.add(1, prompt(10), 1);
    p = s.schedule();
    EXPECT_EQ(s.sequence(1).blocks, first);  // the freed block, handed out again
}

TEST(Scheduler, RefusesARequestTheCacheCannotHold) {
    Scheduler s({64, 4, 3, 16, 8});
    EXPECT_NE(s.check_request(40, 10), "");  // 49 positions: 4 blocks, the cache has 3
    EXPECT_EQ(s.check_request(40, 9), "");   // 48: 3 blocks
    EXPECT_THROW(s.add(0, prompt(40), 10), std::invalid_argument);
    EXPECT_NE(Scheduler({64, 4, 64, 16, 2}).check_request(40, 1), "");  // a block-table row of 2
}

// A simulated clock: each step costs 1 ms + 0.01 ms per row. A request that
// arrives while another decodes waits for no step to finish first, and its
// chunked prompt delays the other's tokens (the cost of mixing).
TEST(Scheduler, SimulatedClockGivesTheTimesThePolicyImplies) {
    Scheduler s({64, 4, 64, 16, 16});
    double now = 0;
    std::map<std::int64_t, std::vector<double>> token_times;
    s.add(0, prompt(16), 8);
    bool second = false;
    double arrival = 0;
    while (!s.idle()) {
        if (!second && now >= 0.003) {
            s.add(1, prompt(128), 2);
            second = true;
            arrival = now;
        }
        StepPlan p = s.schedule();
        now += 0.001 + 0.00001 * double(p.tokens);
        for (const auto& c : p.chunks)
            if (c.samples) token_times[c.seq].push_back(now);
        s.complete(p, sample(p));
    }
    ASSERT_EQ(token_times[0].size(), 8u);
    ASSERT_EQ(token_times[1].size(), 2u);
    // Request 1's 128-token prompt takes two chunks of at most 63 and 64 rows
    // next to request 0's decode rows, then a third of 1: its first token
    // comes three steps after it arrived.
    int steps_to_first = 0;
    for (double t : token_times[0]) steps_to_first += (t > arrival && t <= token_times[1][0]) ? 1 : 0;
    EXPECT_EQ(steps_to_first, 3);
    // The ITL of request 0 grows while request 1 prefills (rows cost time).
    const double gap_alone = token_times[0][1] - token_times[0][0];
    const double gap_mixed = token_times[0][4] - token_times[0][3];
    EXPECT_GT(gap_mixed, gap_alone);
}

}  // namespace
}  // namespace bakeoff::serve
