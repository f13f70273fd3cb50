// `bakeoff validate`: beyond the structure read_results() checks, recompute
// every figure from the raw samples and the work counts, and check that each
// record's status agrees with its verification. A file whose figures were
// edited by hand no longer matches its samples and is reported, naming the record.
#pragma once

#include "results/results_file.h"

#include <string>
#include <vector>

namespace bakeoff {

// One line per problem, each naming the record; empty when consistent. A file
// whose digest does not match (f.digest, read_results) is one more problem,
// naming the first part that differs.
std::vector<std::string> check_consistency(const ResultsFile& f);

// What every command that shows figures from a results file reads (compare,
// report, project --results): read_results() and check_consistency(), and a
// file with any problem validate would report is refused whole
// (InputError: the file, how many problems, the first), so no figure that
// validate rejects is ever shown.
ResultsFile read_validated_results(const std::filesystem::path& path);

}  // namespace bakeoff
