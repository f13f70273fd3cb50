// The leaderboard and the `reproduced` rule (docs/registry.md, "Rules").
//
// For a workload (and optionally a dtype), per device model: the best
// verified figure (status ok; cache-resident memory figures left out; the
// highest, or the lowest for a lower-is-better metric), its 95 % CI, and
// for the best figure's case (case id, the same device model, the same tool
// major version):
//   runs    independent runs that measured the case: runs count once per
//           (host, UTC date), each with its best figure;
//   agree   how many of those are within kAgreement of the best figure:
//           |x - best| <= kAgreement * max(|x|, |best|);
//   spread  (max - min) / max over those runs' figures, in %;
//   reproduced  agree >= 2, i.e. at least two runs from different hosts, or
//           from one host on different dates, agree within 5 %.
// Models are ranked by their best figure.
#pragma once

#include "registry/registry.h"

#include <string>
#include <vector>

namespace bakeoff::registry {

inline constexpr double kAgreement = 0.05;
inline constexpr int kReproducedRuns = 2;

struct LeaderboardEntry {
    std::string model;
    FlatRow best;
    int runs = 0;      // independent runs of the best figure's case
    int agree = 0;     // of which within kAgreement of the best
    double spread_percent = 0;
    bool reproduced = false;
};

// Two figures agree when they differ by at most kAgreement of the larger.
bool figures_agree(double a, double b);

// `rows`: records of the workload (others are ignored); dtype "" = every dtype.
std::vector<LeaderboardEntry> leaderboard(const std::vector<FlatRow>& rows, const std::string& workload,
                                          const std::string& dtype);

}  // namespace bakeoff::registry
