#include "report/serving.h"

#include "report/format.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace bakeoff {

namespace {

using nlohmann::json;

// j[k0][k1]... when every step is an object holding the key; null otherwise.
const json* at(const json& j, std::initializer_list<const char*> path) {
    const json* p = &j;
    for (const char* k : path) {
        if (!p->is_object()) return nullptr;
        auto it = p->find(k);
        if (it == p->end()) return nullptr;
        p = &*it;
    }
    return p;
}

std::optional<double> finite_number(const json* j) {
    if (!j || !j->is_number()) return std::nullopt;
    const double v = j->get<double>();
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::string text_of(const json* j) {
    if (!j) return "";
    if (j->is_string()) return j->get<std::string>();
    if (j->is_number()) return j->dump();
    return "";
}

std::optional<double> percentile_ms(const json& params, const char* metric, const char* p) {
    return finite_number(at(params, {"measured", "serving", metric, p}));
}

std::string ms(std::optional<double> v) { return v ? format_figure(*v) : "—"; }

}  // namespace

std::string ServingPoint::load_label() const {
    if (concurrency) return fmt::format("c{}", *concurrency);
    if (request_rate) return fmt::format("{:g} req/s", *request_rate);
    return "";
}

std::optional<ServingPoint> serving_point(const Record& r, const std::string& device) {
    if (r.workload != kServingWorkload || r.status != RecordStatus::ok) return std::nullopt;
    const auto per_device = r.value();
    if (!per_device) return std::nullopt;
    auto p = serving_point(r.params, *per_device, device);
    if (p) p->record = &r;
    return p;
}

std::optional<ServingPoint> serving_point(const json& params, double per_device, const std::string& device) {
    const auto per_user = finite_number(at(params, {"measured", "serving", "tokens_per_s_per_user"}));
    if (!std::isfinite(per_device) || per_device < 0 || !per_user || *per_user < 0) return std::nullopt;
    ServingPoint p;
    p.device = device;
    p.model = text_of(at(params, {"model"}));
    p.profile = text_of(at(params, {"profile"}));
    if (const json* c = at(params, {"concurrency"}); c && c->is_number_integer()) p.concurrency = c->get<std::int64_t>();
    if (!p.concurrency) p.request_rate = finite_number(at(params, {"request_rate"}));
    p.per_device = per_device;
    p.per_user = *per_user;
    p.ttft_p50_ms = percentile_ms(params, "ttft_ms", "p50");
    p.ttft_p99_ms = percentile_ms(params, "ttft_ms", "p99");
    p.tpot_p50_ms = percentile_ms(params, "tpot_ms", "p50");
    p.tpot_p99_ms = percentile_ms(params, "tpot_ms", "p99");
    return p;
}

std::string ServingSeries::name() const {
    std::string n = device;
    for (const auto* part : {&model, &profile})
        if (!part->empty()) n += " · " + *part;
    return n;
}

std::vector<ServingSeries> group_serving_points(std::vector<ServingPoint> points) {
    std::vector<ServingSeries> out;
    for (auto& p : points) {
        auto it = std::find_if(out.begin(), out.end(), [&p](const ServingSeries& s) {
            return s.device == p.device && s.model == p.model && s.profile == p.profile;
        });
        if (it == out.end()) it = out.insert(out.end(), ServingSeries{p.device, p.model, p.profile, {}});
        it->points.push_back(std::move(p));
    }
    for (auto& s : out) {
        // Closed-loop loads first, by concurrency; then open-loop ones, by rate.
        std::stable_sort(s.points.begin(), s.points.end(), [](const ServingPoint& a, const ServingPoint& b) {
            if (a.concurrency.has_value() != b.concurrency.has_value()) return a.concurrency.has_value();
            if (a.concurrency && *a.concurrency != *b.concurrency) return *a.concurrency < *b.concurrency;
            return a.request_rate.value_or(0) < b.request_rate.value_or(0);
        });
        std::vector<ParetoPoint> xy;
        for (const auto& p : s.points) xy.push_back({p.per_user, p.per_device, "", "", false});
        mark_pareto_frontier(xy);
        for (std::size_t i = 0; i < xy.size(); ++i) s.points[i].on_frontier = xy[i].on_frontier;
    }
    return out;
}

std::vector<ServingSeries> serving_series(const Comparison& c) {
    std::vector<ServingPoint> points;
    for (const auto& col : c.columns)
        for (const auto& r : c.inputs[col.file].results.records)
            if (r.device_id == col.device_id)
                if (auto p = serving_point(r, col.label)) points.push_back(std::move(*p));
    return group_serving_points(std::move(points));
}

svg::ParetoChart serving_chart(const std::vector<ServingSeries>& series) {
    svg::ParetoChart chart;
    for (const auto& s : series) {
        ParetoSeries ps{s.name(), {}};
        for (const auto& p : s.points)
            ps.points.push_back({p.per_user, p.per_device, p.load_label(),
                                 fmt::format("{} at {}: {} tok/s per device, {} tok/s per user", s.name(),
                                             p.load_label().empty() ? "an unnamed load" : p.load_label(),
                                             format_figure(p.per_device), format_figure(p.per_user)),
                                 p.on_frontier});
        chart.series.push_back(std::move(ps));
    }
    return chart;
}

Table serving_table(const std::vector<ServingSeries>& series, bool latencies) {
    Table t;
    t.columns = {"device", "model", "profile", "load", Column("tok/s/device", Align::right),
                 Column("tok/s/user", Align::right)};
    if (latencies)
        for (const char* h : {"TTFT p50 (ms)", "TTFT p99 (ms)", "TPOT p50 (ms)", "TPOT p99 (ms)"})
            t.columns.emplace_back(h, Align::right);
    t.columns.emplace_back("frontier");
    for (const auto& s : series)
        for (const auto& p : s.points) {
            std::vector<Cell> row = {s.device, s.model, s.profile, p.load_label(),
                                     Cell::of_number(p.per_device, format_figure(p.per_device)),
                                     Cell::of_number(p.per_user, format_figure(p.per_user))};
            if (latencies)
                for (const auto& v : {p.ttft_p50_ms, p.ttft_p99_ms, p.tpot_p50_ms, p.tpot_p99_ms})
                    row.push_back(v ? Cell::of_number(*v, ms(v)) : Cell::unknown("—"));
            row.emplace_back(p.on_frontier ? "yes" : "no");
            t.rows.push_back(std::move(row));
        }
    return t;
}

}  // namespace bakeoff
