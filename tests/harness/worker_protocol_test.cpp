// The supervisor takes a worker's answer only when it carries the worker's
// token and is the record of the case asked: anything else is refused,
// saying why (the caller fails the case as a protocol violation).
#include "harness/worker_protocol.h"

#include <gtest/gtest.h>

using namespace bakeoff;

namespace {
CaseSpec triad() {
    return {.workload = "membw.triad",
            .dtype = BK_F32,
            .path = BK_PATH_PORTABLE,
            .size = 4 << 20,
            .size_label = "4MiB",
            .params = {{"elements", 1 << 20}, {"scalar", 3.0}}};
}

Record answer_to(const CaseSpec& c, const std::string& device) {
    Record r;
    r.id = c.id() + "@" + device;
    r.workload = c.workload;
    r.dtype = "fp32";
    r.path = "portable";
    r.size = c.size;
    r.size_label = c.size_label;
    r.params = c.params;
    r.device_id = device;
    r.status = RecordStatus::failed;
    r.reason = "test";
    r.metric.basis = "bytes";
    r.metric.scale = 1e9;
    return r;
}

std::string why_refused(const std::string& line, const std::string& token, const CaseSpec& c) {
    try {
        read_answer(line, token, c, "fake:0");
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}
}  // namespace

TEST(WorkerProtocol, TokensAreFreshAndHex) {
    const auto a = new_worker_token(), b = new_worker_token();
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, b);
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(WorkerProtocol, TheAnswerToTheCaseAskedIsTakenWithWhatTheWorkerMeasured) {
    const CaseSpec c = triad();
    Record r = answer_to(c, "fake:0");
    r.params["measured"] = {{"routing", 1}};
    const Record got = read_answer(answer_line("t0k3n", r), "t0k3n", c, "fake:0");
    EXPECT_EQ(got.id, r.id);
    EXPECT_EQ(got.params["measured"]["routing"], 1);
}

TEST(WorkerProtocol, AnythingElseIsRefused) {
    const CaseSpec c = triad();
    const Record good = answer_to(c, "fake:0");
    const std::string json = answer_line("", good).substr(1);
    EXPECT_NE(why_refused(json, "t0k3n", c).find("without the worker's token"), std::string::npos);
    EXPECT_NE(why_refused("other " + json, "t0k3n", c).find("without the worker's token"), std::string::npos);
    EXPECT_NE(why_refused("t0k3n", "t0k3n", c), "");
    EXPECT_NE(why_refused("t0k3n {not json", "t0k3n", c).find("unreadable record"), std::string::npos);
    EXPECT_NE(why_refused(answer_line("t0k3n", answer_to(c, "cpu:0")), "t0k3n", c).find("a record for"),
              std::string::npos);
    CaseSpec other = c;
    other.workload = "membw.copy";
    EXPECT_NE(why_refused(answer_line("t0k3n", answer_to(other, "fake:0")), "t0k3n", c), "");
    Record params = good;
    params.params["scalar"] = 4.0;
    EXPECT_NE(why_refused(answer_line("t0k3n", params), "t0k3n", c).find("other parameters"), std::string::npos);
    Record device = good;
    device.device_id = "cpu:0";
    EXPECT_NE(why_refused(answer_line("t0k3n", device), "t0k3n", c).find("device or case differs"), std::string::npos);
    // An empty token authenticates nothing.
    EXPECT_NE(why_refused(answer_line("", good), "", c), "");
}
