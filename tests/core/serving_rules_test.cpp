// The SDK's index rules of the serving ops (bk_nn_rules::check_serving_indices
// in bakeoff/nn_op_rules.h): the first bad row in row order is named, and
// PAGED_KV_WRITE's repeat check costs what its rows cost, whatever the
// cache's capacity.
#include <bakeoff/nn_op_rules.h>

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace {

bk_op_desc kv_write(std::int64_t rows, std::int64_t capacity) {
    bk_op_desc op{};
    op.struct_size = sizeof op;
    op.kind = BK_OP_PAGED_KV_WRITE;
    op.dtype_a = op.dtype_b = op.dtype_c = BK_F32;
    op.u.nn.rows = rows, op.u.nn.dim = 1, op.u.nn.capacity = capacity;
    return op;
}

std::string check(const bk_op_desc& op, const std::vector<std::int32_t>& slot) {
    return bk_nn_rules::check_serving_indices(op, slot.data(), nullptr, nullptr, nullptr);
}

TEST(ServingRules, SlotsNameTheFirstBadRow) {
    const bk_op_desc op = kv_write(5, 8);
    EXPECT_EQ(check(op, {3, -1, 0, -1, 7}), "");
    EXPECT_EQ(check(op, {3, 5, 5, 3, 1}), "slot[2] = 5: names a slot an earlier row writes");
    EXPECT_EQ(check(op, {3, 1, 2, 4, 3}), "slot[4] = 3: names a slot an earlier row writes");
    // An out-of-range slot before a repeat is named first, and after one, second.
    EXPECT_EQ(check(op, {3, 8, 3, 0, 0}), "slot[1] = 8: must lie in [0, capacity = 8) or be -1");
    EXPECT_EQ(check(op, {3, 3, -2, 0, 0}), "slot[1] = 3: names a slot an earlier row writes");
    EXPECT_EQ(check(op, {0, 1, -2, 0, 0}), "slot[2] = -2: must lie in [0, capacity = 8) or be -1");
}

TEST(ServingRules, RepeatCheckDoesNotScaleWithCapacity) {
    // A cache of 2^31 - 1 slots: a per-slot table would be 256 MiB per launch.
    const bk_op_desc op = kv_write(3, INT32_MAX);
    EXPECT_EQ(check(op, {INT32_MAX - 1, 0, 12345}), "");
    EXPECT_EQ(check(op, {INT32_MAX - 1, 0, INT32_MAX - 1}), "slot[2] = 2147483646: names a slot an earlier row writes");
}

}  // namespace
