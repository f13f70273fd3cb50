#include "core/dtype.h"

#include <gtest/gtest.h>

using namespace bakeoff;

TEST(Dtypes, NamesRoundTrip) {
    for (int t = 0; t < BK_DTYPE_COUNT; ++t) {
        auto name = dtype_name(bk_dtype(t));
        auto back = parse_dtype(name);
        ASSERT_TRUE(back.has_value()) << name;
        EXPECT_EQ(*back, bk_dtype(t));
    }
    EXPECT_FALSE(parse_dtype("fp33").has_value());
    EXPECT_EQ(dtype_size(BK_BF16), 2u);
    EXPECT_EQ(dtype_size(BK_F64), 8u);
}
