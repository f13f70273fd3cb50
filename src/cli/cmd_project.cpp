// bakeoff project: what-if projections from the chip database and, when a
// results file is given, measured efficiency -- roofline time of a GEMM or any
// op, LLM serving bounds, training plans. Formulas and worked examples:
// docs/projections.md.
#include "cli/commands.h"
#include "cli/options.h"
#include "results/results_file.h"
#include "results/validate.h"
#include "specs/chip_db.h"
#include "specs/csv.h"
#include "specs/prices.h"
#include "specs/project_model.h"
#include "specs/project_roofline.h"
#include "specs/project_serving.h"
#include "report/project_table.h"
#include "specs/project_training.h"
#include "specs/text_util.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bakeoff::cli {

namespace {

using namespace bakeoff::specs;


struct Common {
    std::vector<std::string> chip_ids;  // --chip
    std::string results_file;
    std::string chips_db;               // --chips, as in every command (--chips-db: deprecated)
    Format format = Format::text;
    std::string prices_file;
    std::string price_per_hour;
    std::string dtype = "bf16";
};

struct GemmOpts {
    std::string m, n, k;
};
struct RooflineOpts {
    std::string bytes, flops;
};
struct ModelOpts {
    std::string model, params, active_params, layers, kv_heads, head_dim;
};
struct ServeOpts {
    ModelOpts model;
    std::string kv_dtype, context = "4096", batch = "1", devices;
};
struct TrainOpts {
    ModelOpts model;
    std::string tokens, flops, mfu, pue, devices, days, chip_hours;
};

// Far above any real count (training FLOPs are ~1e26), and low enough that
// products of a few counts (2 m n k) stay finite: no inf or NaN in a table.
constexpr double kMaxCount = 1e30;

double count(const std::string& flag, const std::string& text) {
    const auto v = parse_count(text);
    if (!v) throw UsageError(flag + ": '" + text + "' is not a positive number (e.g. 4096, 1.5e9, 70B, 14.8T)");
    if (*v > kMaxCount) throw UsageError(fmt::format("{}: '{}' is larger than {:g}", flag, text, kMaxCount));
    return *v;
}
std::optional<double> opt_count(const std::string& flag, const std::string& text) {
    if (text.empty()) return std::nullopt;
    return count(flag, text);
}
double whole(const std::string& flag, const std::string& text) {
    const double v = count(flag, text);
    if (v != std::floor(v)) throw UsageError(flag + ": '" + text + "' is not a whole number");
    return v;
}
double fraction(const std::string& flag, const std::string& text, double lo, double hi, bool lo_open) {
    const auto v = parse_number(text);
    if (!v || (lo_open ? *v <= lo : *v < lo) || *v > hi)
        throw UsageError(fmt::format("{}: '{}' is not a number in {}{}, {}]", flag, text, lo_open ? "(" : "[", lo, hi));
    return *v;
}

std::string dtype_checked(const std::string& flag, const std::string& d) {
    if (!dtype_bytes(d)) throw UsageError(flag + ": unknown precision '" + d + "' (fp64 fp32 tf32 bf16 fp16 fp8 int8 int4)");
    return to_lower(d);
}

std::string sci(double v) { return fmt::format("{:.4g}", v); }

// `--chips` named the chip list here before it meant the database, as it does
// in every other command: a value that is no file but reads as chip ids is
// that old spelling, and gets told the new one rather than "cannot open".
void check_chips_db(const std::string& value) {
    if (value.empty() || std::filesystem::exists(value)) return;
    const bool ids = value.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_,") ==
                         std::string::npos &&
                     !(value.size() > 4 && to_lower(value.substr(value.size() - 4)) == ".csv");
    if (ids)
        throw UsageError(fmt::format("--chips is the chip database (a CSV file) and '{}' is no file; "
                                "to name chips write --chip {}", value, value));
}

// Everything a projection needs besides its own flags.
struct Context {
    ChipDatabase db;
    std::optional<PriceList> prices;
    std::vector<ProjectTarget> targets;
    std::string calibration;  // one assumption line
};

Context load_context(const Common& c, const std::string& peak_dtype) {
    Context ctx;
    check_chips_db(c.chips_db);
    if (c.chip_ids.empty() && c.results_file.empty())
        throw UsageError("name the chips (--chip ID,ID; see 'bakeoff chips') or a results file (--results FILE)");
    if (!c.price_per_hour.empty() && !c.prices_file.empty())
        throw UsageError("--price-per-hour and --prices cannot be combined");
    PriceSource price;
    if (!c.price_per_hour.empty()) price.flat_per_hour = count("--price-per-hour", c.price_per_hour);

    ctx.db = ChipDatabase::load(c.chips_db);
    if (!c.prices_file.empty()) {
        ctx.prices = PriceList::load_file(c.prices_file, &ctx.db);
        price.prices = &*ctx.prices;
    }
    for (const auto& id : c.chip_ids) {
        const auto found = ctx.db.lookup(id);  // id or plain name, any case; else the closest ids
        if (!found.chip) throw UsageError(found.error);
        ctx.targets.push_back(target_for_chip(*found.chip, peak_dtype, price));
    }
    if (!c.results_file.empty()) {
        const ResultsFile rf = read_validated_results(c.results_file);
        auto measured = targets_from_results(rf, ctx.db, peak_dtype, price);
        if (measured.empty())
            throw InputError(c.results_file + ": no ok gemm or membw record to calibrate from");
        for (auto& t : measured) ctx.targets.push_back(std::move(t));
        ctx.calibration = "Calibration: measured " + peak_dtype + " GEMM rate and memory bandwidth from " +
                          c.results_file + " replace the claimed peak and bandwidth (best ok record per device)";
    } else {
        ctx.calibration = "Calibration: none -- claimed peaks and bandwidth, so times are lower bounds and rates "
                          "upper bounds (give --results FILE to use measured figures)";
    }
    return ctx;
}

ModelShape model_from(const ModelOpts& o, bool need_kv) {
    ModelShape m;
    if (!o.model.empty()) {
        const ModelShape* p = find_model_preset(o.model);
        if (!p) {
            std::string known;
            for (const auto& x : model_presets()) known += (known.empty() ? "" : ", ") + x.id;
            throw UsageError("--model: unknown preset '" + o.model + "' (known: " + known + ")");
        }
        m = *p;
        if (!o.params.empty() || !o.active_params.empty() || !o.layers.empty() || !o.kv_heads.empty() ||
            !o.head_dim.empty())
            throw UsageError("--model cannot be combined with --params, --active-params, --layers, --kv-heads, --head-dim");
        return m;
    }
    if (o.params.empty()) throw UsageError("give --model PRESET or --params N");
    m.name = "custom";
    m.total_params = count("--params", o.params);
    m.active_params = o.active_params.empty() ? m.total_params : count("--active-params", o.active_params);
    if (m.active_params > m.total_params) throw UsageError("--active-params exceeds --params");
    const bool any_kv = !o.layers.empty() || !o.kv_heads.empty() || !o.head_dim.empty();
    if (any_kv || need_kv) {
        if (o.layers.empty() || o.kv_heads.empty() || o.head_dim.empty())
            throw UsageError("the KV cache needs --layers, --kv-heads and --head-dim (or a --model preset)");
        m.layers = int(whole("--layers", o.layers));
        m.kv_heads = int(whole("--kv-heads", o.kv_heads));
        m.head_dim = int(whole("--head-dim", o.head_dim));
    }
    m.source = "given on the command line";
    return m;
}

std::string model_line(const ModelShape& m) {
    std::string s = fmt::format("Model: {} -- {} total, {} active parameters", m.name, sci(m.total_params),
                                sci(m.active_params));
    if (!m.source.empty()) s += " (" + m.source + ")";
    return s;
}

int emit(const Projection& p, const Common& c) {
    fmt::print("{}", render_projection(p, c.format));
    std::fflush(stdout);
    return 0;
}

// ---- gemm and roofline ---------------------------------------------------------------

int run_roofline(const Common& c, double flops, double bytes, std::string what) {
    const Context ctx = load_context(c, c.dtype);
    Projection p;
    p.kind = "roofline";
    p.assumptions = {what,
                     fmt::format("Work: {} FLOPs, {} bytes to/from device memory", sci(flops), sci(bytes)),
                     "Formula: time = max(FLOPs / peak, bytes / bandwidth); the larger term is the bound",
                     ctx.calibration};
    p.columns = {{"target", "Target", -1},       {"basis", "Peak/bandwidth", -1}, {"peak_tflops", "Peak TFLOPS", 1},
                 {"bandwidth_gbs", "GB/s", 0},   {"compute_ms", "Compute ms", -2}, {"memory_ms", "Memory ms", -2},
                 {"time_ms", "Time ms", -2},     {"bound", "Bound", -1},          {"tflops", "Achieved TFLOPS", 1},
                 {"ridge_flop_per_byte", "Ridge FLOP/B", 0}};
    for (const auto& t : ctx.targets) {
        const auto r = roofline(flops, bytes, t);
        auto ms = [](const Quantity& q) { return q ? Quantity::of(*q.value * 1e3) : q; };
        p.rows.push_back({cell(t.label), cell(t.compute_basis() + " / " + t.memory_basis()), cell(t.peak_tflops()),
                          cell(t.bandwidth_gbs()), cell(ms(r.compute_s)), cell(ms(r.memory_s)), cell(ms(r.time_s)),
                          cell(r.bound), cell(r.achieved_tflops), cell(r.ridge)});
    }
    return emit(p, c);
}

int run_gemm(const Common& c, const GemmOpts& g) {
    const double m = whole("--m", g.m), n = whole("--n", g.n), k = whole("--k", g.k);
    const std::string d = dtype_checked("--dtype", c.dtype);
    const double eb = *dtype_bytes(d);
    return run_roofline(c, gemm_flops(m, n, k), gemm_bytes(m, n, k, eb),
                        fmt::format("GEMM {}x{}x{} {}: FLOPs = 2mnk; bytes = (mk + kn + mn) x {} (A, B read once, "
                                    "C written once)",
                                    m, n, k, d, eb));
}

int run_op(const Common& c, const RooflineOpts& o) {
    dtype_checked("--dtype", c.dtype);
    const double bytes = count("--bytes", o.bytes);
    const double flops = o.flops.empty() ? 0.0 : count("--flops", o.flops);
    return run_roofline(c, flops, bytes,
                        o.flops.empty() ? "Op: memory-bound, no FLOPs counted" : "Op: given FLOPs and bytes");
}

// ---- serve ---------------------------------------------------------------------------

int run_serve(const Common& c, const ServeOpts& o) {
    ServeInput in;
    in.model = model_from(o.model, true);
    const std::string wd = dtype_checked("--dtype", c.dtype);
    const std::string kd = o.kv_dtype.empty() ? wd : dtype_checked("--kv-dtype", o.kv_dtype);
    in.weight_bytes = *dtype_bytes(wd);
    in.kv_bytes = *dtype_bytes(kd);
    in.context = whole("--context", o.context);
    in.batch = whole("--batch", o.batch);
    if (!o.devices.empty()) in.devices = int(whole("--devices", o.devices));
    // Peaks in the weights' precision (int4/fp4 weights run on the bf16 peak: dequantised).
    const std::string peak_dtype = (wd == "int4" || wd == "fp4") ? "bf16" : wd;
    const Context ctx = load_context(c, peak_dtype);

    Projection p;
    p.kind = "serve";
    const auto kv = in.model.kv_elements_per_token();
    p.assumptions = {
        model_line(in.model),
        fmt::format("Precision: weights {} ({} B/param), KV cache {} ({} B/element); peak: {}", wd, in.weight_bytes, kd,
                    in.kv_bytes, peak_dtype),
        fmt::format("KV cache: {} elements/token ({}); context {} tokens x batch {}", kv ? sci(*kv) : "unknown",
                    in.model.kv_note.empty() ? "2 x layers x KV heads x head dim" : in.model.kv_note, in.context,
                    in.batch),
        "Decode: tokens/s <= batch x devices x bandwidth / (min(total, batch x active) x weight bytes + "
        "batch x context x KV bytes/token), and <= the prefill rate (compute)",
        "Prefill: tokens/s <= devices x peak / (2 x active params) (attention FLOPs not counted)",
        in.devices ? fmt::format("Devices: {} per replica, perfect scaling assumed", *in.devices)
                   : "Devices: the fewest whose memory holds weights + KV cache, perfect scaling assumed",
        ctx.calibration};
    p.columns = {{"target", "Target", -1},          {"basis", "Peak/bandwidth", -1},
                 {"devices", "Devices", 0},         {"fits", "Fits", -1},
                 {"memory_gb", "Memory GB", 1},     {"decode_tokens_s", "Decode tok/s", 0},
                 {"decode_tokens_s_per_seq", "Per seq tok/s", 1}, {"decode_bound", "Bound", -1},
                 {"prefill_tokens_s", "Prefill tok/s", 0}};
    for (const auto& t : ctx.targets) {
        const auto r = project_serving(in, t);
        const Quantity gb = r.memory_needed_bytes ? Quantity::of(*r.memory_needed_bytes.value / 1e9)
                                                  : r.memory_needed_bytes;
        p.rows.push_back({cell(t.label), cell(t.compute_basis() + " / " + t.memory_basis()), cell(r.devices),
                          cell(r.fits), cell(gb), cell(r.decode_tokens_s), cell(r.decode_tokens_s_per_seq),
                          cell(r.decode_bound), cell(r.prefill_tokens_s)});
    }
    return emit(p, c);
}

// ---- train ---------------------------------------------------------------------------

int run_train(const Common& c, const TrainOpts& o) {
    TrainInput in;
    const std::string d = dtype_checked("--dtype", c.dtype);
    std::string flops_line;
    if (!o.flops.empty()) {
        if (!o.tokens.empty() || !o.model.model.empty() || !o.model.params.empty())
            throw UsageError("--flops cannot be combined with --tokens, --model or --params");
        in.flops = count("--flops", o.flops);
        flops_line = fmt::format("Total FLOPs: {} (given)", sci(in.flops));
    } else {
        if (o.tokens.empty()) throw UsageError("give --tokens N (with --model or --params) or --flops N");
        const ModelShape m = model_from(o.model, false);
        const double tokens = count("--tokens", o.tokens);
        in.flops = training_flops(m.active_params, tokens);
        flops_line = fmt::format("Total FLOPs = 6 x active params x tokens = 6 x {} x {} = {} ({})", sci(m.active_params),
                                 sci(tokens), sci(in.flops), m.name);
    }
    in.mfu = o.mfu.empty() ? 0.40 : fraction("--mfu", o.mfu, 0, 1, true);
    in.pue = o.pue.empty() ? 1.2 : fraction("--pue", o.pue, 1, 10, false);
    in.devices = opt_count("--devices", o.devices);
    in.days = opt_count("--days", o.days);
    in.reported_chip_hours = opt_count("--chip-hours", o.chip_hours);
    const Context ctx = load_context(c, d);

    Projection p;
    p.kind = "train";
    p.assumptions = {
        flops_line,
        fmt::format("MFU: {} ({}) against the claimed dense {} peak", in.mfu,
                    o.mfu.empty() ? "assumed; no train.step workload measures it yet" : "given", d),
        "Chip-hours = FLOPs / (peak x MFU) / 3600" +
            (in.devices ? fmt::format("; days on {} chips = chip-hours / {} / 24", *in.devices, *in.devices)
                        : std::string()) +
            (in.days ? fmt::format("; chips for {} days = ceil(chip-hours / (24 x {}))", *in.days, *in.days)
                     : std::string()),
        fmt::format("Energy (MWh) = chip-hours x TDP x PUE / 1e6, PUE {} ({})", in.pue, o.pue.empty() ? "assumed" : "given"),
        std::string("Cost = chip-hours x price per chip-hour") +
            (c.price_per_hour.empty() && c.prices_file.empty() ? " (no price given: omitted)"
                                                               : " (user-supplied price)"),
        ctx.calibration};
    if (in.reported_chip_hours)
        p.assumptions.push_back(fmt::format("Implied MFU = FLOPs / ({} reported chip-hours x 3600 x peak) -- meaningful for the chip the "
                                            "reported run used; above 1 = impossible on that chip in those hours",
                                            sci(*in.reported_chip_hours)));
    p.columns = {{"target", "Target", -1}, {"peak_tflops", "Peak TFLOPS", 1}, {"chip_hours", "Chip-hours", 0}};
    if (in.devices) p.columns.push_back({"days", fmt::format("Days on {}", *in.devices), 1});
    if (in.days) p.columns.push_back({"chips_for_days", fmt::format("Chips for {} d", *in.days), 0});
    p.columns.push_back({"energy_mwh", "Energy MWh", 0});
    const bool priced = !c.price_per_hour.empty() || !c.prices_file.empty();
    if (priced) p.columns.push_back({"cost_usd", "Cost USD", 0});
    if (in.reported_chip_hours) p.columns.push_back({"implied_mfu", "Implied MFU", 3});
    for (const auto& t : ctx.targets) {
        const auto r = project_training(in, t);
        std::vector<ProjectionCell> row = {cell(t.label), cell(t.claimed_peak_tflops), cell(r.chip_hours)};
        if (in.devices) row.push_back(cell(r.days_on_devices));
        if (in.days) row.push_back(cell(r.devices_for_days));
        row.push_back(cell(r.energy_mwh));
        if (priced) row.push_back(cell(r.cost_usd));
        if (in.reported_chip_hours) row.push_back(cell(r.implied_mfu));
        p.rows.push_back(std::move(row));
        if (auto eff = t.compute_efficiency()) {
            p.notes.push_back(fmt::format("{}: measured {} GEMM reaches {:.1f} % of the claimed peak -- an upper bound "
                                          "on MFU",
                                          t.label, d, *eff * 100));
            if (in.mfu > *eff)
                p.notes.push_back(fmt::format("{}: warning: MFU {} exceeds the measured GEMM efficiency", t.label, in.mfu));
        }
    }
    return emit(p, c);
}

// ---- registration -----------------------------------------------------------------------

void add_common(CLI::App* sub, Common& c, const char* dtype_help) {
    sub->add_option("--chip", c.chip_ids, "Chip ids to compare (comma-separated or repeated; see 'bakeoff chips')")
        ->delimiter(',');
    sub->add_option("--results", c.results_file,
                    "Results file: each measured device becomes a row, calibrated by its best GEMM and membw records");
    add_chips_option(sub, c.chips_db);
    sub->add_option_function<std::string>(
        "--chips-db",
        [&c](const std::string& v) {
            fmt::print(stderr, "bakeoff: --chips-db is deprecated; write --chips {}\n", v);
            c.chips_db = v;
        },
        "Deprecated: the old name of --chips");
    add_format_option(sub, c.format);
    sub->add_option("--dtype", c.dtype, dtype_help)->capture_default_str();
}

void add_model(CLI::App* sub, ModelOpts& m) {
    sub->add_option("--model", m.model, "Model preset: llama-3.1-8b, llama-3.1-70b, llama-3.1-405b, deepseek-v3");
    sub->add_option("--params", m.params, "Total parameters (e.g. 70B, 7.0e10)");
    sub->add_option("--active-params", m.active_params, "Parameters active per token (MoE); default = --params");
    sub->add_option("--layers", m.layers, "Transformer layers (KV cache)");
    sub->add_option("--kv-heads", m.kv_heads, "Key/value heads per layer (KV cache)");
    sub->add_option("--head-dim", m.head_dim, "Elements per head (KV cache)");
}

}  // namespace

Subcommand add_project_command(CLI::App& parent) {
    auto* sub = parent.add_subcommand(
        "project", "What-if projections from chip specs and measured efficiency: GEMM roofline, LLM serving, training");
    sub->require_subcommand(1);

    auto common = std::make_shared<Common>();
    auto gemm = std::make_shared<GemmOpts>();
    auto op = std::make_shared<RooflineOpts>();
    auto serve = std::make_shared<ServeOpts>();
    auto train = std::make_shared<TrainOpts>();

    auto* g = sub->add_subcommand("gemm", "Roofline time of a GEMM (m x k) * (k x n)");
    add_common(g, *common, "Precision of the GEMM: fp64 fp32 tf32 bf16 fp16 fp8 int8");
    g->add_option("--m", gemm->m, "Rows of A and C")->required();
    g->add_option("--n", gemm->n, "Columns of B and C")->required();
    g->add_option("--k", gemm->k, "Inner dimension")->required();

    auto* r = sub->add_subcommand("roofline", "Roofline time of any op given by its bytes (and FLOPs)");
    add_common(r, *common, "Precision whose peak applies to --flops");
    r->add_option("--bytes", op->bytes, "Bytes the op moves to/from device memory")->required();
    r->add_option("--flops", op->flops, "Operations the op performs (default 0: memory-bound)");

    auto* s = sub->add_subcommand("serve", "LLM serving: decode and prefill token rates, memory needed");
    add_common(s, *common, "Precision of the weights (and of the peak used): bf16 fp16 fp8 int8 int4 ...");
    add_model(s, serve->model);
    s->add_option("--kv-dtype", serve->kv_dtype, "Precision of the KV cache (default: --dtype)");
    s->add_option("--context", serve->context, "Tokens in each sequence's KV cache")->capture_default_str();
    s->add_option("--batch", serve->batch, "Sequences decoded together")->capture_default_str();
    s->add_option("--devices", serve->devices, "Devices per model replica (default: the fewest that hold it)");

    auto* t = sub->add_subcommand("train", "Training plan: chip-hours, days, chips for a deadline, energy, cost");
    add_common(t, *common, "Precision whose dense peak MFU is measured against");
    add_model(t, train->model);
    t->add_option("--tokens", train->tokens, "Training tokens (e.g. 14.8T)");
    t->add_option("--flops", train->flops, "Total training FLOPs, instead of 6 x active params x tokens");
    t->add_option("--mfu", train->mfu, "Model-FLOPs utilisation, 0-1 (default 0.40, assumed)");
    t->add_option("--pue", train->pue, "Power usage effectiveness of the data centre (default 1.2, assumed)");
    t->add_option("--devices", train->devices, "Chips in the cluster: adds the days it takes");
    t->add_option("--days", train->days, "Deadline in days: adds the chips it takes");
    t->add_option("--chip-hours", train->chip_hours, "Reported chip-hours of a real run: adds the implied MFU");
    t->add_option("--price-per-hour", common->price_per_hour, "Rental price per chip-hour, USD (applies to every chip)");
    t->add_option("--prices", common->prices_file, "CSV of user prices (price_per_hour_usd column; see docs/chips.md)");

    auto run = [=]() -> int {
        if (g->parsed()) return run_gemm(*common, *gemm);
        if (r->parsed()) return run_op(*common, *op);
        if (s->parsed()) return run_serve(*common, *serve);
        if (t->parsed()) return run_train(*common, *train);
        return 2;
    };
    return {sub, run};
}

}  // namespace bakeoff::cli
