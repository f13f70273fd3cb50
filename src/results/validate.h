// `bakeoff validate`: beyond the structure read_results() checks, recompute
// every figure from the raw samples and the work counts, and check that each
// record's status agrees with its verification. A file whose figures were
// edited by hand no longer matches its samples and is reported, naming the record.
#pragma once

#include "results/results_file.h"

#include <string>
#include <vector>

namespace bakeoff {

// One line per problem, each naming the record; empty when consistent.
std::vector<std::string> check_consistency(const ResultsFile& f);

}  // namespace bakeoff
