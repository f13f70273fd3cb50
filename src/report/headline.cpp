#include "report/headline.h"

#include "report/format.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>

namespace bakeoff {
namespace {

// The best ok record among those `pick` accepts (highest, or lowest for a latency).
template <class Pick>
const Record* best(const std::vector<const Record*>& rs, Pick pick) {
    const Record* out = nullptr;
    for (const Record* r : rs) {
        if (!r->value() || !pick(*r)) continue;
        const bool better = !out || (r->metric.lower_is_better ? *r->value() < *out->value() : *r->value() > *out->value());
        if (better) out = r;
    }
    return out;
}

// The library part of an implementation text: up to the first comma,
// semicolon or parenthesis ("oneDNN 2.6.3 matmul brg:avx512_core").
std::string library_of(const Record& r) {
    std::string s = r.implementation.substr(0, r.implementation.find_first_of(",;("));
    while (!s.empty() && s.back() == ' ') s.pop_back();
    return display_width(s) > 60 ? utf8_prefix(s, 59) + "…" : s;
}

Cell percent(std::optional<double> p) {
    return p ? Cell::of_number(*p, format_percent(p)) : Cell::unknown(format_percent(p));
}

void add_row(Table& t, const std::string& device, const std::string& figure, const Record& r, const std::string& how) {
    t.rows.push_back({device, figure, Cell::of_number(*r.value(), format_figure(*r.value())), r.metric.unit,
                      percent(r.percent_of_peak()), percent(r.percent_of_claim()), how});
}

}  // namespace

Table headline_table(const std::vector<Record>& records) {
    Table t;
    t.title = {"headline: the best figure of each kind per device"};
    t.columns = {"device", "figure", Column("median", Align::right), "unit", Column("% peak", Align::right),
                 Column("% claim", Align::right), "how"};
    std::vector<std::string> devices;
    for (const auto& r : records)
        if (std::find(devices.begin(), devices.end(), r.device_id) == devices.end()) devices.push_back(r.device_id);
    for (const auto& dev : devices) {
        std::vector<const Record*> rs;
        for (const auto& r : records)
            if (r.device_id == dev) rs.push_back(&r);
        auto is = [](const char* workload) { return [workload](const Record& r) { return r.workload == workload; }; };
        // A triad in the caches is a cache figure: the memory's is the one read first.
        if (const Record* r = best(rs, [](const Record& x) { return x.workload == "membw.triad" && !x.cache_resident(); }))
            add_row(t, dev, "triad", *r, r->dtype + " · " + r->size_label + " · " + r->path);
        else if (const Record* c = best(rs, is("membw.triad")))
            add_row(t, dev, "triad (in cache)", *c, c->dtype + " · " + c->size_label + " · " + c->path);
        std::vector<std::string> dtypes;
        for (const Record* r : rs)
            if (r->workload == "gemm" && r->value() && std::find(dtypes.begin(), dtypes.end(), r->dtype) == dtypes.end())
                dtypes.push_back(r->dtype);
        for (const auto& d : dtypes) {
            const Record* r = best(rs, [&d](const Record& x) { return x.workload == "gemm" && x.dtype == d; });
            add_row(t, dev, "gemm " + d, *r, r->size_label + " · " + r->path + " · " + library_of(*r));
        }
        for (const char* w : {"llm.decode", "llm.prefill"})
            if (const Record* r = best(rs, is(w)))
                add_row(t, dev, std::string(w).substr(4), *r, r->dtype + " · " + r->size_label + " · " + r->path);
        // Each warning once per device, with how many figures carry it.
        std::vector<std::pair<std::string, std::vector<const Record*>>> warned;
        for (const Record* r : rs)
            for (const auto& w : r->warnings) {
                auto it = std::find_if(warned.begin(), warned.end(), [&w](const auto& p) { return p.first == w; });
                if (it == warned.end()) warned.push_back({w, {r}});
                else it->second.push_back(r);
            }
        for (const auto& [w, on] : warned) {
            const Record& first = *on.front();
            const std::string where = first.workload + " " + first.dtype + " " + first.size_label + " " + first.path +
                                      (on.size() > 1 ? fmt::format(" and {} more", on.size() - 1) : std::string());
            t.notes.push_back(fmt::format("{}: warning ({}): {}", dev, where, w));
        }
    }
    if (t.rows.empty() && t.notes.empty()) return {};
    return t;
}

}  // namespace bakeoff
