// Report section: serving throughput against interactivity (the Pareto
// chart of report/pareto_chart.h) and the table of its points, when the
// files hold llm.serve records; nothing at all otherwise.
#include "report/html_sections.h"
#include "report/html_util.h"
#include "report/serving.h"

namespace bakeoff::html {

std::string serving_section(const Comparison& c) {
    const auto series = serving_series(c);
    const std::string chart = series.empty() ? std::string() : svg::pareto_svg(serving_chart(series));
    if (chart.empty()) return {};
    const Table st = serving_table(series, true);
    TableSpec t;
    t.caption = "Serving loads (llm.serve)";
    for (const auto& col : st.columns) {
        t.header.push_back(col.header);
        t.numeric.push_back(col.align == Align::right);
    }
    for (const auto& row : st.rows) {
        std::vector<std::string> cells;
        for (const auto& cell : row) cells.push_back(cell.text);
        t.rows.push_back(std::move(cells));
    }
    return section_open(
               "serving", "Serving: throughput against interactivity",
               "Each point is one load of <code>llm.serve</code> (closed loop at concurrency c, or open loop at a "
               "request rate): output tokens/s per device against output tokens/s per user. One series per device, "
               "model and profile; its line joins the Pareto frontier — the loads no other load of the series "
               "beats on both axes. Dominated loads are faint.") +
           "<figure class=\"pareto-figure\">" + chart +
           "<figcaption>Serving throughput per device against per user, every device on one plot.</figcaption>"
           "</figure>\n" +
           table(t) + "</section>\n";
}

}  // namespace bakeoff::html
