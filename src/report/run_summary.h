// The table `bakeoff run` ends with: one row per record, the median with its
// 95 % CI, % of peak where the peak is known, and the verification outcome;
// reasons and warnings as numbered notes below it. Cases not applicable to
// their device (n/a) are left out, with one line saying how many and why.
#pragma once

#include "report/output.h"
#include "results/record.h"

#include <string>
#include <vector>

namespace bakeoff {

struct RunSummaryOptions {
    bool show_device = false;  // add a device column (several devices in one run)
    Format format = Format::text;
};

Table run_summary_table(const std::vector<Record>& records, const RunSummaryOptions& o);
std::string run_summary(const std::vector<Record>& records, const RunSummaryOptions& o);

}  // namespace bakeoff
