#include "report/chip_table.h"

#include "specs/chip_query.h"
#include "specs/device_match.h"
#include "specs/efficiency.h"
#include "specs/text_util.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <functional>
#include <set>
#include <stdexcept>

namespace bakeoff::specs {

namespace {

// ---- columns and values -----------------------------------------------------------

// A column of the registry: what it is called, and how its values read.
struct ChipColumn {
    std::string key;      // machine name: CSV header, JSON key, --sort key
    std::string header;   // for people: table and Markdown header
    bool numeric = false;
    bool detail = false;  // long text: a line under the table (table/Markdown), a column (CSV/JSON)
    std::string empty_text = "-";  // what table/Markdown show for an empty cell
};
// One chip's value in a column, before it becomes a table cell; --sort compares these.
struct Value {
    std::string text;               // text columns ("" = unknown)
    std::optional<double> number;   // numeric columns (nullopt = unknown)
    int decimals = -1;              // display decimals; -1 = as stored (shortest exact text)
};

std::string shortest(double v) { return shortest_number(v); }

std::string display_number(const Value& c) {
    if (!c.number) return "-";
    if (c.decimals < 0) return shortest(*c.number);
    return fmt::format("{:.{}f}", *c.number, c.decimals);
}

// CSV/JSON: as stored, or derived values rounded to two more decimals than shown.
double raw_number(const Value& c) {
    if (c.decimals < 0) return *c.number;
    const double scale = std::pow(10.0, c.decimals + 2);
    return std::round(*c.number * scale) / scale;
}

// ---- the column registry ---------------------------------------------------------

Value txt(std::string s) {
    Value c;
    c.text = std::move(s);
    return c;
}
Value num(std::optional<double> v, int decimals = -1) {
    Value c;
    c.number = v;
    c.decimals = decimals;
    return c;
}

struct ColumnDef {
    ChipColumn column;
    std::function<Value(const Chip&)> get;
};

// The shared table's column and cell for a registry column and value.
Column to_column(const ChipColumn& c) {
    return Column(c.header, c.numeric ? Align::right : Align::left, c.key, c.detail);
}
Cell to_cell(const ChipColumn& col, const Value& v) {
    if (col.numeric) return v.number ? Cell::of_number(raw_number(v), display_number(v)) : Cell::unknown(col.empty_text);
    return v.text.empty() ? Cell::unknown(col.empty_text) : Cell(v.text);
}

std::string_view short_header(std::string_view field) {
    static const std::pair<std::string_view, std::string_view> kHeaders[] = {
        {"process_node", "process"}, {"die_area_mm2", "die mm2"}, {"fp64_tflops", "FP64"},
        {"fp32_tflops", "FP32"},     {"tf32_tflops", "TF32"},     {"bf16_tflops", "BF16"},
        {"fp16_tflops", "FP16"},     {"fp8_tflops", "FP8"},       {"int8_tops", "INT8"},
        {"fp4_tflops", "FP4"},       {"fp4_format", "FP4 format"}, {"devices_per_package", "devices"},
        {"memory_type", "memory"},   {"memory_capacity_gb", "GB"}, {"memory_bandwidth_gbs", "GB/s"},
        {"tdp_w", "TDP W"},          {"interconnect_gbs", "link GB/s"}, {"device_patterns", "device patterns"},
    };
    for (const auto& [k, v] : kHeaders)
        if (k == field) return v;
    return field;
}

std::string upper(std::string_view s) {
    std::string r(s);
    for (char& c : r)
        if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    return r;
}

const PeakDtype& dtype_of(const TableOptions& o) {
    const PeakDtype* d = find_peak_dtype(o.dtype);
    if (!d) {
        std::string names;
        for (const auto& p : peak_dtypes()) names += (names.empty() ? "" : ", ") + std::string(p.name);
        throw std::invalid_argument("unknown dtype '" + o.dtype + "' (known: " + names + ")");
    }
    return *d;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i) s += (i ? std::string(sep) : "") + v[i];
    return s;
}

std::vector<ColumnDef> registry(const TableOptions& o) {
    std::vector<ColumnDef> cols;
    for (const auto& f : chip_fields()) {
        const bool numeric = f.type == FieldType::integer || f.type == FieldType::number;
        const std::string name(f.name);
        cols.push_back({{name, std::string(short_header(f.name)), numeric,
                         f.name == "source" || f.name == "device_patterns"},
                        [name, numeric](const Chip& c) {
                            Value cell;
                            if (numeric) cell.number = numeric_field(c, name);
                            else cell.text = field_text(c, name);
                            return cell;
                        }});
    }

    // Export control.
    const Date as_of = o.as_of;
    auto cls = [as_of](const Chip& c) { return classify(c, as_of); };
    cols.push_back({{"tpp", "TPP", true}, [](const Chip& c) { return num(compute_tpp(c).value, -1); }});
    cols.push_back({{"tpp_basis", "TPP from"}, [](const Chip& c) {
                        const auto t = compute_tpp(c);
                        if (!t.basis) return Value();
                        return txt(fmt::format("{} {}x{}", t.basis->dtype, shortest(t.basis->figure), t.basis->bits));
                    }});
    cols.push_back({{"pd", "PD", true}, [](const Chip& c) { return num(performance_density(c), 2); }});
    cols.push_back({{"band", "3A090"}, [cls](const Chip& c) { return txt(cls(c).label); }});
    cols.push_back({{"clause", "clause"}, [cls](const Chip& c) { return txt(cls(c).clause); }});
    cols.push_back({{"uncertain", "uncertain"}, [cls](const Chip& c) { return txt(cls(c).uncertain ? "yes" : "no"); }});
    cols.push_back({{"why", "why", false, true}, [cls](const Chip& c) { return txt(cls(c).reason); }});
    cols.push_back({{"notes", "notes", false, true}, [cls](const Chip& c) { return txt(join(cls(c).notes, "; ")); }});

    // Efficiency.
    const PeakDtype& d = dtype_of(o);
    const std::string col(d.column);
    const std::string dt = upper(d.name);
    const auto member = d.member;
    const PriceList* prices = o.prices;
    auto price = [prices](const Chip& c) -> const Price* { return prices ? prices->find(c.id) : nullptr; };
    auto usd = [price](const Chip& c) { const Price* p = price(c); return p ? p->price_usd : std::nullopt; };
    auto usd_h = [price](const Chip& c) { const Price* p = price(c); return p ? p->price_per_hour_usd : std::nullopt; };
    cols.push_back({{col + "_per_w", dt + " " + std::string(d.unit) + "/W", true},
                    [member](const Chip& c) { return num(per_watt(c.*member, c.tdp_w), 3); }});
    cols.push_back({{"gbs_per_w", "GB/s per W", true},
                    [](const Chip& c) { return num(claimed_bandwidth_per_watt(c), 2); }});
    cols.push_back({{"price_usd", "price $", true}, [usd](const Chip& c) { return num(usd(c), -1); }});
    cols.push_back({{"price_per_hour_usd", "$/h", true}, [usd_h](const Chip& c) { return num(usd_h(c), -1); }});
    cols.push_back({{col + "_per_kusd", dt + " per $1k", true},
                    [member, usd](const Chip& c) { return num(per_kusd(c.*member, usd(c)), 3); }});
    cols.push_back({{"gbs_per_kusd", "GB/s per $1k", true},
                    [usd](const Chip& c) { return num(per_kusd(c.memory_bandwidth_gbs, usd(c)), 2); }});
    cols.push_back({{col + "_per_usd_hour", dt + " per $/h", true},
                    [member, usd_h](const Chip& c) { return num(per_usd_hour(c.*member, usd_h(c)), 1); }});
    cols.push_back({{"gbs_per_usd_hour", "GB/s per $/h", true},
                    [usd_h](const Chip& c) { return num(per_usd_hour(c.memory_bandwidth_gbs, usd_h(c)), 1); }});
    cols.push_back({{"price_source", "price source", false, true}, [price](const Chip& c) {
                        const Price* p = price(c);
                        return txt(p ? p->source : std::string());
                    }});
    return cols;
}

const ColumnDef* find_def(const std::vector<ColumnDef>& defs, std::string_view key) {
    if (key == "name") key = "chip";
    for (const auto& d : defs)
        if (d.column.key == key) return &d;
    return nullptr;
}

std::vector<std::string> view_keys(const TableOptions& o) {
    switch (o.view) {
        case ChipView::specs:
            return {"id", "vendor", "chip", "year", "memory_capacity_gb", "memory_type", "memory_bandwidth_gbs",
                    "fp64_tflops", "fp32_tflops", "tf32_tflops", "bf16_tflops", "fp16_tflops", "fp8_tflops",
                    "int8_tops", "fp4_tflops", "tdp_w", "confidence"};
        case ChipView::export_control:
            return {"id", "vendor", "chip", "tpp", "tpp_basis", "die_area_mm2", "pd", "band", "clause",
                    "confidence", "uncertain", "why", "notes"};
        case ChipView::efficiency: {
            const std::string col(dtype_of(o).column);
            std::vector<std::string> k = {"id", "vendor", "chip", col, "tdp_w", col + "_per_w",
                                          "memory_bandwidth_gbs", "gbs_per_w"};
            if (o.prices) {
                k.push_back("price_usd");
                k.push_back(col + "_per_kusd");
                k.push_back("gbs_per_kusd");
                k.push_back("price_per_hour_usd");
                k.push_back(col + "_per_usd_hour");
                k.push_back("gbs_per_usd_hour");
                k.push_back("price_source");
            }
            k.push_back("confidence");
            return k;
        }
    }
    return {};
}

}  // namespace

std::vector<std::string> sort_keys(const TableOptions& options) {
    std::vector<std::string> keys;
    for (const auto& d : registry(options)) keys.push_back(d.column.key);
    return keys;
}

std::vector<const Chip*> select_chips(const ChipDatabase& db, const std::vector<std::string>& vendors,
                                      std::string_view filter) {
    for (const auto& v : vendors) {
        const bool known = std::any_of(db.chips().begin(), db.chips().end(),
                                       [&](const Chip& c) { return iequals(c.vendor, v); });
        if (!known) {
            std::set<std::string> names;
            for (const auto& c : db.chips()) names.insert(c.vendor);
            std::string list;
            for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
            throw std::invalid_argument("unknown vendor '" + v + "' (known: " + list + ")");
        }
    }
    std::vector<const Chip*> out;
    for (const auto& c : db.chips()) {
        if (!vendors.empty() &&
            std::none_of(vendors.begin(), vendors.end(), [&](const std::string& v) { return iequals(c.vendor, v); }))
            continue;
        if (!filter.empty()) {
            const bool hit = has_glob_chars(filter) ? (glob_match(filter, c.id) || glob_match(filter, c.name))
                                                    : (icontains(c.id, filter) || icontains(c.name, filter));
            if (!hit) continue;
        }
        out.push_back(&c);
    }
    return out;
}

void sort_chips(std::vector<const Chip*>& chips, std::string_view key, const TableOptions& options, bool reverse) {
    const auto defs = registry(options);
    const ColumnDef* def = find_def(defs, key);
    if (!def) throw std::invalid_argument("unknown sort field '" + std::string(key) + "' (known: " + join(sort_keys(options), ", ") + ")");
    if (def->column.numeric) {
        // Numbers: the database's one ordering (specs/chip_query.h), by the
        // database's key where it has one, else by this view's derived value.
        const auto keys = numeric_sort_keys();
        if (std::find(keys.begin(), keys.end(), def->column.key) != keys.end())
            chips = specs::sort_chips(chips, def->column.key, reverse);
        else
            chips = sort_chips_by(chips, [def](const Chip& c) { return def->get(c).number; }, reverse);
        return;
    }
    // Text: A-Z (Z-A with `reverse`), unknown last.
    struct Keyed {
        const Chip* chip;
        std::string text;
    };
    std::vector<Keyed> keyed;
    for (const Chip* c : chips) keyed.push_back({c, to_lower(def->get(*c).text)});
    std::stable_sort(keyed.begin(), keyed.end(), [&](const Keyed& a, const Keyed& b) {
        if (a.text.empty() || b.text.empty()) return !a.text.empty() && b.text.empty();
        return reverse ? a.text > b.text : a.text < b.text;
    });
    for (std::size_t i = 0; i < chips.size(); ++i) chips[i] = keyed[i].chip;
}

Table build_chip_table(const std::vector<const Chip*>& chips, const TableOptions& options) {
    const auto defs = registry(options);
    Table t;
    std::vector<const ColumnDef*> use;
    const bool any_fp4 = std::any_of(chips.begin(), chips.end(), [](const Chip* c) { return c->fp4_tflops.has_value(); });
    for (const auto& k : view_keys(options))
        if (k != "fp4_tflops" || any_fp4 || !options.drop_unknown_fp4) use.push_back(find_def(defs, k));
    for (const auto* d : use) t.columns.push_back(to_column(d->column));
    for (const Chip* c : chips) {
        std::vector<Cell> row;
        for (const auto* d : use) row.push_back(to_cell(d->column, d->get(*c)));
        t.rows.push_back(std::move(row));
    }
    switch (options.view) {
        case ChipView::specs:
            t.title = {"Dense peaks in TFLOPS (INT8: TOPS; FP4: the format in 'bakeoff chips show ID') = 1e12 operations/s; GB = 1e9 bytes; GB/s = 1e9 bytes/s; "
                       "'-' = unknown. Sources and formulas: bakeoff chips show ID."};
            break;
        case ChipView::export_control:
            t.title = {fmt::format("US ECCN 3A090, rules in force on {} ({}). TPP = max over precisions of dense "
                                   "TFLOPS/TOPS x bit length; PD = TPP / die mm2; '-' = unknown.",
                                   options.as_of.str(), classify(Chip{}, options.as_of).rule_set),
                       "Arithmetic on published figures, not legal advice; rule text: docs/export-control.md."};
            break;
        case ChipView::efficiency: {
            const PeakDtype& d = dtype_of(options);
            t.title = {fmt::format("Claimed {} dense peak and memory bandwidth per TDP watt{}; '-' = unknown.",
                                   upper(d.name),
                                   options.prices ? " and per dollar (prices from the user's file, per unit)" : "")};
            break;
        }
    }
    return t;
}

Table build_chip_comparison(const ChipComparison& cmp) {
    Table t;
    if (cmp.chips.empty()) return t;
    const std::string& first = cmp.chips.front()->id;
    t.columns = {Column("figure", Align::left, "field"), Column("unit")};
    for (std::size_t i = 0; i < cmp.chips.size(); ++i) {
        const std::string& id = cmp.chips[i]->id;
        t.columns.emplace_back(id, Align::right, id);
        if (i > 0) t.columns.emplace_back(id + " ratio", Align::right, id + "_ratio");
    }
    // Each chip's class first: every figure below is as good as it.
    std::vector<Cell> conf = {Cell("confidence"), Cell::unknown("")};
    for (std::size_t i = 0; i < cmp.chips.size(); ++i) {
        conf.emplace_back(std::string(to_string(cmp.confidence[i])));
        if (i > 0) conf.push_back(Cell::unknown(""));
    }
    t.rows.push_back(std::move(conf));
    std::vector<std::string> none;
    for (const auto& r : cmp.rows) {
        if (std::none_of(r.values.begin(), r.values.end(), [](const auto& v) { return v.has_value(); })) {
            none.emplace_back(r.column);
            continue;
        }
        std::vector<Cell> row = {Cell(std::string(r.column)), r.unit.empty() ? Cell::unknown("") : Cell(std::string(r.unit))};
        for (std::size_t i = 0; i < r.values.size(); ++i) {
            row.push_back(r.values[i] ? Cell::of_number(*r.values[i], shortest(*r.values[i])) : Cell::unknown());
            if (i > 0) {
                const Value v = num(r.ratios[i], 2);
                row.push_back(v.number ? Cell::of_number(raw_number(v), display_number(v)) : Cell::unknown());
            }
        }
        t.rows.push_back(std::move(row));
    }
    t.title = {fmt::format("Claimed figures as published (package figures; dense peaks in TFLOPS, INT8 in TOPS); "
                           "ratio = the chip's figure / {}'s; '-' = unknown.", first),
               "Sources, FP4 format and devices per package: bakeoff chips show ID."};
    if (!none.empty()) t.notes = {"No figure for any of these chips: " + join(none, ", ") + "."};
    return t;
}

Table build_chip_details(const Chip& chip, const TableOptions& options) {
    Table t;
    t.columns = {"field", "value", "unit", "note"};
    auto opt = [](std::string s) { return s.empty() ? Cell::unknown("") : Cell(std::move(s)); };
    auto add = [&](std::string field, std::string value, std::string unit = {}, std::string note = {}) {
        t.rows.push_back({Cell(std::move(field)), Cell(std::move(value)), opt(std::move(unit)), opt(std::move(note))});
    };
    t.title = {fmt::format("{} {} ({})", chip.vendor, chip.name, chip.id),
               fmt::format("source: {}", chip.source),
               fmt::format("confidence: {}", to_string(chip.confidence))};
    for (const auto& f : chip_fields()) {
        const std::string v = field_text(chip, f.name);
        std::string note;
        if (f.name == "device_patterns" && v.empty()) note = "no patterns: never matched by device name";
        if (f.name == "devices_per_package" && devices_per_package(chip) > 1)
            note = fmt::format("the figures are the package's; a measured device is compared with figure / {}",
                               devices_per_package(chip));
        add(std::string(f.name), v.empty() ? "unknown" : v, std::string(f.unit), note);
    }

    // TPP with its formula.
    const Tpp tpp = compute_tpp(chip);
    if (tpp.value) {
        std::vector<std::string> terms;
        for (const auto& term : tpp.terms)
            terms.push_back(fmt::format("{} {}x{}={}", term.dtype, shortest(term.figure), term.bits, shortest(term.tpp)));
        std::string note = "max of dense figure x bit length: " + join(terms, ", ");
        if (!tpp.missing.empty()) {
            std::vector<std::string> m(tpp.missing.begin(), tpp.missing.end());
            note += " (no figure: " + join(m, ", ") + ")";
        }
        add("tpp", shortest(*tpp.value), "", note);
    } else {
        add("tpp", "unknown", "", "no dense peak figure");
    }
    const auto pd = performance_density(chip);
    if (pd)
        add("performance_density", fmt::format("{:.2f}", *pd), "TPP/mm2",
            fmt::format("TPP {} / die area {} mm2", shortest(*tpp.value), shortest(*chip.die_area_mm2)));
    else
        add("performance_density", "unknown", "TPP/mm2",
            !tpp.value ? "TPP unknown" : "die_area_mm2 unknown");
    const Classification c = classify(chip, options.as_of);
    add("3a090_band", c.label + (c.clause.empty() ? "" : " (" + c.clause + ")"), "",
        fmt::format("rules in force on {}, {}: {}", c.as_of.str(), c.rule_set, c.reason));
    if (!c.notes.empty()) add("3a090_notes", c.uncertain ? "uncertain" : "-", "", join(c.notes, "; "));

    // Per watt.
    for (const auto& d : peak_dtypes()) {
        const auto fig = chip.*(d.member);
        if (!fig) continue;
        const std::string key = std::string(d.column) + "_per_w";
        const auto v = per_watt(fig, chip.tdp_w);
        if (v)
            add(key, fmt::format("{:.3f}", *v), std::string(d.unit) + "/W",
                fmt::format("{} / {} W", shortest(*fig), shortest(*chip.tdp_w)));
        else
            add(key, "unknown", std::string(d.unit) + "/W", "tdp_w unknown");
    }
    if (const auto v = claimed_bandwidth_per_watt(chip))
        add("gbs_per_w", fmt::format("{:.2f}", *v), "GB/s per W",
            fmt::format("{} / {} W", shortest(*chip.memory_bandwidth_gbs), shortest(*chip.tdp_w)));
    else
        add("gbs_per_w", "unknown", "GB/s per W",
            !chip.memory_bandwidth_gbs ? "memory_bandwidth_gbs unknown" : "tdp_w unknown");

    // Per dollar, when the user priced this chip.
    if (const Price* p = options.prices ? options.prices->find(chip.id) : nullptr) {
        const std::string src = p->source.empty() ? std::string("prices file") : p->source;
        if (p->price_usd) {
            add("price_usd", shortest(*p->price_usd), "USD", src);
            for (const auto& d : peak_dtypes())
                if (const auto v = per_kusd(chip.*(d.member), p->price_usd))
                    add(std::string(d.column) + "_per_kusd", fmt::format("{:.3f}", *v), std::string(d.unit) + " per $1k",
                        fmt::format("{} / ({} / 1000)", shortest(*(chip.*(d.member))), shortest(*p->price_usd)));
            if (const auto v = per_kusd(chip.memory_bandwidth_gbs, p->price_usd))
                add("gbs_per_kusd", fmt::format("{:.2f}", *v), "GB/s per $1k",
                    fmt::format("{} / ({} / 1000)", shortest(*chip.memory_bandwidth_gbs), shortest(*p->price_usd)));
        }
        if (p->price_per_hour_usd) {
            add("price_per_hour_usd", shortest(*p->price_per_hour_usd), "USD/h", src);
            for (const auto& d : peak_dtypes())
                if (const auto v = per_usd_hour(chip.*(d.member), p->price_per_hour_usd))
                    add(std::string(d.column) + "_per_usd_hour", fmt::format("{:.1f}", *v),
                        std::string(d.unit) + " per $/h",
                        fmt::format("{} / {}", shortest(*(chip.*(d.member))), shortest(*p->price_per_hour_usd)));
            if (const auto v = per_usd_hour(chip.memory_bandwidth_gbs, p->price_per_hour_usd))
                add("gbs_per_usd_hour", fmt::format("{:.1f}", *v), "GB/s per $/h",
                    fmt::format("{} / {}", shortest(*chip.memory_bandwidth_gbs), shortest(*p->price_per_hour_usd)));
        }
    }
    return t;
}

std::string render_chip_details(const Chip& chip, const TableOptions& options, Format format) {
    if (format == Format::text) {
        // A list rather than a grid: the notes are long.
        const Table t = build_chip_details(chip, options);
        std::size_t w = 0;
        for (const auto& row : t.rows) w = std::max(w, display_width(row[0].text));
        std::string out;
        for (const auto& line : t.title) out += line + "\n";
        out += "\n";
        for (const auto& row : t.rows) {
            if (row[0].text == "tpp") out += "\nderived figures\n";
            std::string line = row[0].text + std::string(w + 2 - display_width(row[0].text), ' ') + row[1].text;
            if (!row[2].text.empty()) line += " " + row[2].text;
            out += line + "\n";
            if (!row[3].text.empty()) out += std::string(w + 4, ' ') + row[3].text + "\n";
        }
        return out;
    }
    if (format != Format::json) return render(build_chip_details(chip, options), format);

    using J = nlohmann::ordered_json;
    auto opt = [](std::optional<double> v) { return v ? J(*v) : J(); };
    J o = J::object();
    for (const auto& f : chip_fields()) {
        const std::string name(f.name);
        if (f.type == FieldType::integer || f.type == FieldType::number) {
            o[name] = opt(numeric_field(chip, name));
        } else if (f.type == FieldType::patterns) {
            o[name] = chip.device_patterns;
        } else {
            const std::string v = field_text(chip, name);
            o[name] = v.empty() ? J() : J(v);
        }
    }
    const Tpp tpp = compute_tpp(chip);
    const Classification c = classify(chip, options.as_of);
    J derived = J::object();
    derived["tpp"] = opt(tpp.value);
    derived["tpp_basis"] = tpp.basis ? J{{"dtype", tpp.basis->dtype}, {"figure", tpp.basis->figure},
                                         {"bits", tpp.basis->bits}}
                                     : J();
    derived["performance_density"] = opt(performance_density(chip));
    derived["export_control"] = J{{"as_of", c.as_of.str()}, {"rule_set", c.rule_set}, {"band", c.label},
                                  {"clause", c.clause.empty() ? J() : J(c.clause)}, {"reason", c.reason},
                                  {"uncertain", c.uncertain}, {"notes", c.notes},
                                  {"within_2026_ceiling", c.within_2026_ceiling ? J(*c.within_2026_ceiling) : J()}};
    J pw = J::object();
    for (const auto& d : peak_dtypes()) pw[std::string(d.column) + "_per_w"] = opt(per_watt(chip.*(d.member), chip.tdp_w));
    pw["gbs_per_w"] = opt(claimed_bandwidth_per_watt(chip));
    derived["per_watt"] = pw;
    if (const Price* p = options.prices ? options.prices->find(chip.id) : nullptr) {
        J pr = J::object();
        pr["price_usd"] = opt(p->price_usd);
        pr["price_per_hour_usd"] = opt(p->price_per_hour_usd);
        pr["source"] = p->source.empty() ? J() : J(p->source);
        for (const auto& d : peak_dtypes()) {
            pr[std::string(d.column) + "_per_kusd"] = opt(per_kusd(chip.*(d.member), p->price_usd));
            pr[std::string(d.column) + "_per_usd_hour"] = opt(per_usd_hour(chip.*(d.member), p->price_per_hour_usd));
        }
        pr["gbs_per_kusd"] = opt(per_kusd(chip.memory_bandwidth_gbs, p->price_usd));
        pr["gbs_per_usd_hour"] = opt(per_usd_hour(chip.memory_bandwidth_gbs, p->price_per_hour_usd));
        derived["per_price"] = pr;
    }
    o["derived"] = derived;
    return o.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace bakeoff::specs
