#!/usr/bin/env python3
"""How close bakeoff's Llama workloads come to the machine's own limits.

Decode is memory-bound: a step must stream every weight and the KV cache once,
so its ceiling is   tokens/s x bytes/token  =  the memory bandwidth.
Prefill is compute-bound: its ceiling is the device's GEMM throughput.

For each of --runs rounds, interleaved (so a noisy host's drift hits all):
  bakeoff run membw.triad (quick size)                     -> GB/s
  bakeoff run llm.decode  1b, batch 1, --context, fp32/bf16 -> tokens/s, bytes/token
  bakeoff run llm.prefill 1b, --prompt, fp32/bf16           -> tokens/s, FLOP/token
  bakeoff run gemm at size = the model's dim (2048), same dtypes, vendor path
                                                            -> GFLOP/s
and prints medians (min-max) and the ratios
  decode:  tokens/s x bytes/token / triad GB/s         (target >= 0.80)
  prefill: tokens/s x FLOP/token / gemm GFLOP/s        (target >= 0.70)
Each llm figure is the better of the vendor and portable GEMM paths (the
backend reports the other unsupported or slower). The prefill rate counts the
whole forward (GEMMs are > 95 % of its FLOP at these lengths); the gemm
workload is square, so m = n = k = dim stands in for the prefill's GEMM
shapes (m = prompt, n and k = dim, ffn).

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
    triad, decode, prefill, gemm = [], {d: [] for d in dtypes}, {d: [] for d in dtypes}, {d: [] for d in dtypes}
    for i in range(a.runs):
        print(f"round {i + 1}/{a.runs}", file=sys.stderr)
        t = best(run(a.build, dev + ["--suite", "quick", "--workload", "membw.triad"], tmp), "membw.triad", "fp64")
        if t:
            triad.append(t["value"])
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
        recs = run(a.build, dev + ["--workload", "gemm", "--size", "2048", "--dtype", a.dtypes], tmp)
        for d in dtypes:
            r = best(recs, "gemm", d)
            if r:
                gemm[d].append(r["value"])

    print(f"membw.triad: {fmt(triad, ' GB/s')}")
    tri = statistics.median(triad) if triad else float("nan")
    for d in dtypes:
        if decode[d]:
            tps = [v for v, _, _ in decode[d]]
            gbs = [v * b / 1e9 for v, b, _ in decode[d]]
            print(f"llm.decode 1b {d} ctx {a.context} b1 ({decode[d][-1][2]}): {fmt(tps, ' tokens/s')}, "
                  f"{decode[d][-1][1] / 1e9:.3f} GB/token -> {fmt(gbs, ' GB/s')}; "
                  f"/ triad = {statistics.median(gbs) / tri:.2f} (target >= 0.80)")
        else:
            print(f"llm.decode 1b {d}: no ok record")
        if prefill[d] and gemm[d]:
            tps = [v for v, _, _ in prefill[d]]
            gf = [v * f / 1e9 for v, f, _ in prefill[d]]
            print(f"llm.prefill 1b {d} p{a.prompt} ({prefill[d][-1][2]}): {fmt(tps, ' tokens/s')} -> "
                  f"{fmt(gf, ' GFLOP/s')}; gemm {d} 2048: {fmt(gemm[d], ' GFLOP/s')}; "
                  f"ratio = {statistics.median(gf) / statistics.median(gemm[d]):.2f} (target >= 0.70)")
        else:
            print(f"llm.prefill 1b {d}: no ok record (or no gemm {d} figure)")


if __name__ == "__main__":
    main()
