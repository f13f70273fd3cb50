#!/usr/bin/env python3
"""How close bakeoff's Llama workloads come to the machine's own limits.

Decode is memory-bound: a step must stream every weight and the KV cache once,
so its ceiling is   tokens/s x bytes/token  =  the memory bandwidth.
Prefill is compute-bound: its ceiling is the device's GEMM throughput.

For each of --runs rounds, interleaved (so a noisy host's drift hits all):
  bakeoff run membw.triad and membw.dot (quick size)        -> GB/s
  bakeoff run llm.decode  1b, batch 1, --context, fp32/bf16 -> tokens/s, bytes/token
  bakeoff run llm.prefill 1b, --prompt, fp32/bf16           -> tokens/s, FLOP/token
  bakeoff run gemm 1 x vocab x dim nt (the logits GEMV: the decode's kernel alone)
  bakeoff run gemm at the prefill's own GEMM shapes, same dtypes, both paths:
      P x 2048 x 2048nt (q, o), P x 512 x 2048nt (k, v),
      P x 8192 x 2048nt (gate, up), P x 2048 x 8192nt (down)
      (P = prompt tokens; "nt": B stored n x k, as the model stores weights)
and prints medians (min-max) and the ratios
  decode:  tokens/s x bytes/token / triad GB/s         (target >= 0.80)
           and / dot GB/s (read-only bandwidth: decode only reads)
           and / the GEMV's own GB/s (how much of the kernel's rate the model keeps)
  prefill: tokens/s x FLOP/token / the GEMM figure for the same shapes (target >= 0.70)
The GEMM figure for the same shapes is the rate at which the best GEMM path
would run one layer's seven GEMMs: their FLOP over the sum of each one's
FLOP / rate (a FLOP-weighted harmonic mean). For bf16 on a CPU whose vendor
library has no bf16 GEMM the best path is the portable one; the fp32 vendor
figure for the same shapes is printed beside it. Each llm figure is the
better of the vendor and portable GEMM paths. The prefill rate counts the
whole forward (GEMMs are > 95 % of its FLOP at these lengths).

Usage: bench/llm_roofline.py [--runs 3] [--build build/release] [--device cpu]
                             [--context 128] [--prompt 128] [--dtypes fp32,bf16]
Needs a release build and about 12 GB of free memory (the 1b fp32 model).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile


def run(build, args, tmp):
    out = os.path.join(tmp, "r.json")
    cmd = [os.path.join(build, "bakeoff"), "run", "--quiet", "--out", out] + args
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()[:300]}")
    with open(out) as f:
        return json.load(f)["records"]


def best(records, workload, dtype, batch=None):
    """The best ok record of a workload/dtype (over paths), or None."""
    ok = [r for r in records if r["workload"] == workload and r["dtype"] == dtype and r["status"] == "ok"
          and (batch is None or r["params"].get("batch") == batch)]
    return max(ok, key=lambda r: r["value"]) if ok else None


def fmt(xs, unit=""):
    if not xs:
        return "n/a"
    return f"{statistics.median(xs):.4g}{unit} ({min(xs):.4g}-{max(xs):.4g})"


def layer_gemms(params, prompt):
    """One layer's GEMMs of a prefill of `prompt` tokens: (label, count, flops)."""
    d, f, kv = params["dim"], params["ffn"], params["kv_heads"] * params["head_dim"]
    q = params["heads"] * params["head_dim"]
    shapes = [(prompt, q, d, 1), (prompt, kv, d, 2), (prompt, d, q, 1), (prompt, f, d, 2), (prompt, d, f, 1)]
    return [(f"{m}x{n}x{k}nt", c, 2.0 * m * n * k * c) for m, n, k, c in shapes]


def harmonic(gemms, rates):
    """FLOP-weighted harmonic mean of the per-shape rates (GFLOP/s)."""
    if any(rates.get(label) is None for label, _, _ in gemms):
        return None
    return sum(fl for _, _, fl in gemms) / sum(fl / rates[label] for label, _, fl in gemms)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--context", type=int, default=128)
    ap.add_argument("--prompt", type=int, default=128)
    ap.add_argument("--dtypes", default="fp32,bf16")
    a = ap.parse_args()
    dtypes = a.dtypes.split(",")
    tmp = tempfile.mkdtemp()
    dev = ["--device", a.device]
    triad, dot = [], []
    decode, prefill = {d: [] for d in dtypes}, {d: [] for d in dtypes}
    same = {d: [] for d in dtypes}  # the GEMM figure for the prefill's shapes, best path
    fp32_vendor = []                # the same from the fp32 vendor path alone
    gemv = {d: [] for d in dtypes}  # GB/s of the decode-shaped GEMV alone, best path
    gemms, gemv_shape = None, "?"
    for i in range(a.runs):
        print(f"round {i + 1}/{a.runs}", file=sys.stderr)
        recs = run(a.build, dev + ["--suite", "quick", "--workload", "membw.triad", "--workload", "membw.dot"], tmp)
        t, r = best(recs, "membw.triad", "fp64"), best(recs, "membw.dot", "fp64")
        if t:
            triad.append(t["value"])
        if r:
            dot.append(r["value"])
        recs = run(a.build, dev + ["--suite", "standard", "--workload", "llm.decode", "--size", str(a.context),
                                   "--dtype", a.dtypes], tmp)
        for d in dtypes:
            r = best(recs, "llm.decode", d, batch=1)
            if r:
                decode[d].append((r["value"], r["params"]["bytes_per_token"], r["path"]))
        recs = run(a.build, dev + ["--suite", "standard", "--workload", "llm.prefill", "--size", str(a.prompt),
                                   "--dtype", a.dtypes], tmp)
        for d in dtypes:
            r = best(recs, "llm.prefill", d)
            if r:
                prefill[d].append((r["value"], r["params"]["flops_per_token"], r["path"]))
                gemms = gemms or layer_gemms(r["params"], a.prompt)
        if not gemms:
            continue
        p = recs[0]["params"] if recs else {}
        if p.get("vocab"):
            gemv_shape = f"1x{p['vocab']}x{p['dim']}nt"
            recs = run(a.build, dev + ["--workload", "gemm", "--size", gemv_shape,
                                       "--dtype", a.dtypes], tmp)
            for d in dtypes:
                r = best(recs, "gemm", d)
                if r:  # the bytes the GEMV must move over its time
                    gemv[d].append(r["value"] * r["work"]["bytes"] / r["work"]["flops"])
        gemm_dtypes = sorted(set(dtypes) | {"fp32"})
        recs = run(a.build, dev + ["--workload", "gemm", "--size", ",".join(g for g, _, _ in gemms),
                                   "--dtype", ",".join(gemm_dtypes)], tmp)
        for d in gemm_dtypes:
            ok = [x for x in recs if x["dtype"] == d and x["status"] == "ok"]
            rates = {}
            for x in ok:
                rates[x["size_label"]] = max(rates.get(x["size_label"], 0), x["value"])
            h = harmonic(gemms, rates)
            if h and d in same:
                same[d].append(h)
            if d == "fp32":
                v = harmonic(gemms, {x["size_label"]: x["value"] for x in ok if x["path"] == "vendor"})
                if v:
                    fp32_vendor.append(v)

    print(f"membw.triad: {fmt(triad, ' GB/s')}; membw.dot (read-only): {fmt(dot, ' GB/s')}")
    tri = statistics.median(triad) if triad else float("nan")
    rd = statistics.median(dot) if dot else float("nan")
    for d in dtypes:
        if decode[d]:
            tps = [v for v, _, _ in decode[d]]
            gbs = [v * b / 1e9 for v, b, _ in decode[d]]
            print(f"llm.decode 1b {d} ctx {a.context} b1 ({decode[d][-1][2]}): {fmt(tps, ' tokens/s')}, "
                  f"{decode[d][-1][1] / 1e9:.3f} GB/token -> {fmt(gbs, ' GB/s')}; "
                  f"/ triad = {statistics.median(gbs) / tri:.2f} (target >= 0.80); "
                  f"/ dot = {statistics.median(gbs) / rd:.2f}")
            if gemv[d]:
                print(f"  gemm {gemv_shape} {d} alone: {fmt(gemv[d], ' GB/s')}; "
                      f"decode / GEMV = {statistics.median(gbs) / statistics.median(gemv[d]):.2f}")
        else:
            print(f"llm.decode 1b {d}: no ok record")
        if prefill[d] and same[d]:
            tps = [v for v, _, _ in prefill[d]]
            gf = [v * f / 1e9 for v, f, _ in prefill[d]]
            line = (f"llm.prefill 1b {d} p{a.prompt} ({prefill[d][-1][2]}): {fmt(tps, ' tokens/s')} -> "
                    f"{fmt(gf, ' GFLOP/s')}; gemm {d} at the same shapes: {fmt(same[d], ' GFLOP/s')}; "
                    f"ratio = {statistics.median(gf) / statistics.median(same[d]):.2f} (target >= 0.70)")
            if d != "fp32" and fp32_vendor:
                line += (f"; gemm fp32 vendor at the same shapes: {fmt(fp32_vendor, ' GFLOP/s')}, "
                         f"ratio {statistics.median(gf) / statistics.median(fp32_vendor):.2f}")
            print(line)
        else:
            print(f"llm.prefill 1b {d}: no ok record (or no gemm {d} figure)")


if __name__ == "__main__":
    main()
