#include "specs/chip_db.h"

#include "specs/device_match.h"
#include "specs/text_util.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <map>

namespace bakeoff::specs {

std::string_view to_string(Confidence c) {
    switch (c) {
        case Confidence::vendor_datasheet: return "vendor datasheet";
        case Confidence::vendor_announcement: return "vendor announcement";
        case Confidence::press_report: return "press report";
        case Confidence::third_party_estimate: return "third-party estimate";
    }
    return "?";
}

std::optional<Confidence> parse_confidence(std::string_view t) {
    for (const auto c : {Confidence::vendor_datasheet, Confidence::vendor_announcement, Confidence::press_report,
                         Confidence::third_party_estimate})
        if (t == to_string(c)) return c;
    if (t == "estimate") return Confidence::third_party_estimate;  // the class's name before 2026
    return std::nullopt;
}

std::string_view confidence_classes() {
    return "vendor datasheet, vendor announcement, press report, third-party estimate";
}

int devices_per_package(const Chip& chip) { return chip.devices_per_package.value_or(1); }

namespace {

// FP4 last: on ties the basis of TPP stays the wider format.
constexpr std::array<PeakDtype, 8> kPeakDtypes{{
    {"fp64", 64, "fp64_tflops", "TFLOPS", &Chip::fp64_tflops},
    {"fp32", 32, "fp32_tflops", "TFLOPS", &Chip::fp32_tflops},
    {"tf32", 32, "tf32_tflops", "TFLOPS", &Chip::tf32_tflops},
    {"bf16", 16, "bf16_tflops", "TFLOPS", &Chip::bf16_tflops},
    {"fp16", 16, "fp16_tflops", "TFLOPS", &Chip::fp16_tflops},
    {"fp8", 8, "fp8_tflops", "TFLOPS", &Chip::fp8_tflops},
    {"int8", 8, "int8_tops", "TOPS", &Chip::int8_tops},
    {"fp4", 4, "fp4_tflops", "TFLOPS", &Chip::fp4_tflops},
}};

constexpr std::array<FieldInfo, 24> kFields{{
    {"id", FieldType::text, "", false,
     "stable identifier (lowercase letters, digits, '-', '.', '+', '_'); derived from `chip` when the column is absent"},
    {"vendor", FieldType::text, "", true, "company that sells the product"},
    {"chip", FieldType::text, "", true, "product name (card/module for accelerators, socket for CPUs)"},
    {"year", FieldType::integer, "", false, "year of release or first availability"},
    {"process_node", FieldType::text, "", false, "foundry process as published or reported"},
    {"die_area_mm2", FieldType::number, "mm2", false,
     "logic die area (all logic dies of the package); empty when not published"},
    {"fp64_tflops", FieldType::number, "TFLOPS", false, "dense FP64 peak (tensor/matrix units where they exist)"},
    {"fp32_tflops", FieldType::number, "TFLOPS", false, "dense FP32 peak (non-tensor unless only one figure is published)"},
    {"tf32_tflops", FieldType::number, "TFLOPS", false, "dense TF32 (or vendor TF32-like format) peak"},
    {"bf16_tflops", FieldType::number, "TFLOPS", false, "dense BF16 peak"},
    {"fp16_tflops", FieldType::number, "TFLOPS", false, "dense FP16 peak"},
    {"fp8_tflops", FieldType::number, "TFLOPS", false, "dense FP8 peak; empty = not supported or not published"},
    {"int8_tops", FieldType::number, "TOPS", false, "dense INT8 peak; empty = not supported or not published"},
    {"fp4_tflops", FieldType::number, "TFLOPS", false,
     "dense FP4 peak (block-scaled MXFP4/NVFP4 where that is what the vendor quotes); empty = not supported or not "
     "published"},
    {"fp4_format", FieldType::text, "", false,
     "the FP4 format(s) fp4_tflops is quoted for where the vendor names one (NVFP4, MXFP4, HiF4)"},
    {"memory_type", FieldType::text, "", false, "device memory technology"},
    {"memory_capacity_gb", FieldType::number, "GB", false, "device memory capacity, 1e9 bytes"},
    {"memory_bandwidth_gbs", FieldType::number, "GB/s", false, "peak device memory bandwidth, 1e9 bytes/s"},
    {"tdp_w", FieldType::number, "W", false, "thermal design / board power"},
    {"interconnect_gbs", FieldType::number, "GB/s", false,
     "aggregate bidirectional scale-up bandwidth per device; empty for PCIe-only parts and CPUs"},
    {"devices_per_package", FieldType::integer, "", false,
     "devices software sees per package (dies enumerated separately); empty = 1. Figures stay per package"},
    {"source", FieldType::text, "", true, "where the figures come from"},
    {"confidence", FieldType::confidence, "", true,
     "vendor datasheet | vendor announcement | press report | third-party estimate"},
    {"device_patterns", FieldType::patterns, "", false,
     "'|'-separated globs matched against normalized device names (see docs/chips.md)"},
}};

std::string* text_member(Chip& c, std::string_view name) {
    if (name == "id") return &c.id;
    if (name == "vendor") return &c.vendor;
    if (name == "chip") return &c.name;
    if (name == "process_node") return &c.process_node;
    if (name == "memory_type") return &c.memory_type;
    if (name == "fp4_format") return &c.fp4_format;
    if (name == "source") return &c.source;
    return nullptr;
}

std::optional<double>* number_member(Chip& c, std::string_view name) {
    for (const auto& d : kPeakDtypes)
        if (d.column == name) return &(c.*(d.member));
    if (name == "die_area_mm2") return &c.die_area_mm2;
    if (name == "memory_capacity_gb") return &c.memory_capacity_gb;
    if (name == "memory_bandwidth_gbs") return &c.memory_bandwidth_gbs;
    if (name == "tdp_w") return &c.tdp_w;
    if (name == "interconnect_gbs") return &c.interconnect_gbs;
    return nullptr;
}

std::string format_number(double v) {
    // Shortest text that reads back as the same double (no exponent for ordinary values).
    char buf[64];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
    return ec == std::errc() ? std::string(buf, ptr) : std::string("?");
}

bool valid_id(std::string_view id) {
    if (id.empty()) return false;
    const auto ok_first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (!ok_first(id.front())) return false;
    for (char c : id)
        if (!ok_first(c) && c != '-' && c != '.' && c != '+' && c != '_') return false;
    return true;
}

std::string known_columns() {
    std::string s;
    for (const auto& f : kFields) {
        if (!s.empty()) s += ", ";
        s += f.name;
    }
    return s;
}

}  // namespace

std::span<const PeakDtype> peak_dtypes() { return kPeakDtypes; }

const PeakDtype* find_peak_dtype(std::string_view name) {
    for (const auto& d : kPeakDtypes)
        if (iequals(d.name, name)) return &d;
    return nullptr;
}

std::span<const FieldInfo> chip_fields() { return kFields; }

const FieldInfo* find_chip_field(std::string_view name) {
    for (const auto& f : kFields)
        if (f.name == name) return &f;
    return nullptr;
}

std::optional<double> numeric_field(const Chip& chip, std::string_view name) {
    if (name == "year") return chip.year ? std::optional<double>(*chip.year) : std::nullopt;
    if (name == "devices_per_package")
        return chip.devices_per_package ? std::optional<double>(*chip.devices_per_package) : std::nullopt;
    auto* m = number_member(const_cast<Chip&>(chip), name);
    return m ? *m : std::nullopt;
}

std::string field_text(const Chip& chip, std::string_view name) {
    if (name == "year") return chip.year ? std::to_string(*chip.year) : std::string();
    if (name == "devices_per_package")
        return chip.devices_per_package ? std::to_string(*chip.devices_per_package) : std::string();
    if (name == "confidence") return std::string(to_string(chip.confidence));
    if (name == "device_patterns") {
        std::string s;
        for (const auto& p : chip.device_patterns) {
            if (!s.empty()) s += '|';
            s += p;
        }
        return s;
    }
    Chip& c = const_cast<Chip&>(chip);
    if (auto* t = text_member(c, name)) return *t;
    if (auto* n = number_member(c, name)) return *n ? format_number(**n) : std::string();
    return {};
}

std::string derive_chip_id(std::string_view name) {
    std::string id;
    bool sep = false;
    for (const char c : to_lower(name)) {
        const bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (alnum || c == '+') {
            if (sep && !id.empty()) id += '-';
            sep = false;
            id += (c == '+') ? std::string("plus") : std::string(1, c);
        } else {
            sep = true;
        }
    }
    return id;
}

ChipDatabase ChipDatabase::parse(std::string_view csv_text, std::string origin) {
    const auto records = parse_csv(csv_text, origin);
    if (records.empty()) throw ParseError(origin, 1, 1, "empty file (expected a header line)");

    // Header: every column must be known, none twice, the required ones present.
    const CsvRecord& header = records.front();
    std::vector<const FieldInfo*> columns;
    std::map<std::string_view, std::size_t> seen;
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        const CsvField& f = header.fields[i];
        const FieldInfo* info = find_chip_field(f.value);
        if (!info)
            throw ParseError(origin, f.line, f.column,
                             "unknown column '" + f.value + "' (known: " + known_columns() + ")");
        if (seen.count(info->name))
            throw ParseError(origin, f.line, f.column, "column '" + f.value + "' appears twice");
        seen[info->name] = i;
        columns.push_back(info);
    }
    for (const auto& f : kFields)
        if (f.required && !seen.count(f.name))
            throw ParseError(origin, header.line, header.end_column,
                             "missing required column '" + std::string(f.name) + "'");
    const bool has_id = seen.count("id") > 0;

    ChipDatabase db;
    db.origin_ = origin;
    std::map<std::string, std::size_t> id_lines;
    for (std::size_t r = 1; r < records.size(); ++r) {
        const CsvRecord& rec = records[r];
        if (rec.fields.size() < columns.size())
            throw ParseError(origin, rec.line, rec.end_column,
                             "expected " + std::to_string(columns.size()) + " fields, found " +
                                 std::to_string(rec.fields.size()));
        if (rec.fields.size() > columns.size()) {
            const CsvField& extra = rec.fields[columns.size()];
            throw ParseError(origin, extra.line, extra.column,
                             "expected " + std::to_string(columns.size()) + " fields, found " +
                                 std::to_string(rec.fields.size()));
        }
        Chip chip;
        chip.line = rec.line;
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const FieldInfo& info = *columns[i];
            const CsvField& cell = rec.fields[i];
            const std::string& v = cell.value;
            auto fail = [&](const std::string& msg) {
                throw ParseError(origin, cell.line, cell.column, std::string(info.name) + ": " + msg);
            };
            if (v.empty()) {
                if (info.required) fail("required, but empty");
                if (info.name == "id") fail("empty id (give one, or drop the id column to derive ids)");
                continue;  // unknown stays unknown
            }
            switch (info.type) {
                case FieldType::text:
                    if (v.front() == ' ' || v.back() == ' ' || v.front() == '\t' || v.back() == '\t')
                        fail("leading or trailing whitespace in '" + v + "'");
                    if (info.name == "id" && !valid_id(v))
                        fail("'" + v + "' is not a valid id (lowercase letters, digits, '-', '.', '+', '_'; "
                             "starting with a letter or digit)");
                    *text_member(chip, info.name) = v;
                    break;
                case FieldType::integer: {
                    const auto n = parse_number(v);
                    if (info.name == "devices_per_package") {
                        if (!n || *n < 1 || *n > 64 || *n != static_cast<double>(static_cast<int>(*n)))
                            fail("'" + v + "' is not a whole number of devices from 1 to 64 (empty = 1)");
                        chip.devices_per_package = static_cast<int>(*n);
                        break;
                    }
                    // The range first: casting 1e300 to an integer is undefined.
                    if (!n || *n < 1950 || *n > 2100 || *n != static_cast<double>(static_cast<int>(*n)))
                        fail("'" + v + "' is not a year (1950-2100)");
                    chip.year = static_cast<int>(*n);
                    break;
                }
                case FieldType::number: {
                    const auto n = parse_number(v);
                    if (!n)
                        fail("'" + v + "' is not a number (digits such as 814 or 19.5, no units or spaces; "
                             "leave the cell empty if unknown)");
                    if (*n <= 0) fail("'" + v + "' must be greater than 0 (leave the cell empty if unknown)");
                    *number_member(chip, info.name) = *n;
                    break;
                }
                case FieldType::confidence:
                    if (const auto c = parse_confidence(v)) chip.confidence = *c;
                    else
                        fail("'" + v + "' is not one of: " + std::string(confidence_classes()));
                    break;
                case FieldType::patterns: {
                    std::size_t start = 0;
                    for (;;) {
                        const auto bar = v.find('|', start);
                        const std::string piece =
                            v.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
                        const std::string norm = normalize_device_name(piece, /*keep_glob=*/true);
                        if (norm.empty() || norm.find_first_not_of("*?") == std::string::npos)
                            fail("empty or match-everything pattern in '" + v + "'");
                        chip.device_patterns.push_back(norm);
                        if (bar == std::string::npos) break;
                        start = bar + 1;
                    }
                    break;
                }
            }
        }
        if (!has_id) {
            chip.id = derive_chip_id(chip.name);
            if (chip.id.empty()) {
                const CsvField& cell = rec.fields[seen["chip"]];
                throw ParseError(origin, cell.line, cell.column,
                                 "chip: cannot derive an id from '" + chip.name + "' (add an id column)");
            }
        }
        if (auto it = id_lines.find(chip.id); it != id_lines.end()) {
            const CsvField& cell = rec.fields[seen[has_id ? "id" : "chip"]];
            throw ParseError(origin, cell.line, cell.column,
                             "duplicate chip id '" + chip.id + "' (first on line " + std::to_string(it->second) +
                                 ")");
        }
        id_lines[chip.id] = chip.line;
        db.chips_.push_back(std::move(chip));
    }
    return db;
}

ChipDatabase ChipDatabase::load_file(const std::string& path) { return parse(read_text_file(path), path); }

const ChipDatabase& ChipDatabase::embedded() {
    static const ChipDatabase db = parse(embedded_chips_csv(), std::string(kEmbeddedOrigin));
    return db;
}

ChipDatabase ChipDatabase::load(const std::string& path_or_empty) {
    if (path_or_empty.empty()) return embedded();
    return load_file(path_or_empty);
}

const Chip* ChipDatabase::find(std::string_view id) const {
    for (const auto& c : chips_)
        if (iequals(c.id, id)) return &c;
    return nullptr;
}

std::vector<std::string> ChipDatabase::closest_ids(std::string_view text, std::size_t max) const {
    const std::string t = to_lower(text);
    std::vector<std::pair<std::size_t, const Chip*>> ranked;
    for (const auto& c : chips_)
        if (!t.empty() && c.id.rfind(t, 0) == 0) ranked.emplace_back(c.id.size() - t.size(), &c);
    if (ranked.empty()) {
        // Not a prefix of any id: the nearest by edit distance, if near at all.
        const std::size_t limit = std::max<std::size_t>(2, t.size() / 3);
        for (const auto& c : chips_)
            if (const std::size_t d = edit_distance(t, c.id); d <= limit) ranked.emplace_back(d, &c);
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (const auto& [d, c] : ranked) {
        if (out.size() == max) break;
        out.push_back(c->id);
    }
    return out;
}

ChipDatabase::Lookup ChipDatabase::lookup(std::string_view id_or_name) const {
    Lookup r;
    if ((r.chip = find(id_or_name))) return r;
    std::vector<const Chip*> named;
    for (const auto& c : chips_)
        if (iequals(c.name, id_or_name)) named.push_back(&c);
    if (named.size() == 1) {
        r.chip = named.front();
        return r;
    }
    if (named.size() > 1) {
        for (const Chip* c : named) r.suggestions.push_back(c->id);
        r.error = "chip name '" + std::string(id_or_name) + "' is ambiguous in " + origin_ + "; name one of: ";
    } else {
        r.suggestions = closest_ids(id_or_name);
        r.error = "unknown chip id '" + std::string(id_or_name) + "'";
        if (r.suggestions.empty()) {
            r.error += " (see `bakeoff chips`)";
            return r;
        }
        r.error += "; did you mean ";
    }
    for (std::size_t i = 0; i < r.suggestions.size(); ++i) r.error += (i ? ", " : "") + r.suggestions[i];
    if (named.empty()) r.error += "?";
    return r;
}

const Chip& ChipDatabase::resolve(std::string_view id_or_name) const {
    Lookup r = lookup(id_or_name);
    if (!r.chip) throw UnknownChipError(r.error);
    return *r.chip;
}

}  // namespace bakeoff::specs
