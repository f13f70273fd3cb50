#!/usr/bin/env python3
"""bakeoff's CPU backend against llama.cpp on the same GGUF file, same threads.

For each file, RUNS rounds, interleaved (a noisy host's drift hits both): one
llama-bench call (pp PROMPT and tg GEN, one repetition each) and one bakeoff
run of llm.prefill (size PROMPT) and llm.decode (context depth GEN / 2: the
middle of llama-bench's tg, which generates GEN tokens from an empty cache)
on the portable path (bakeoff's own kernels; llama.cpp runs its own). Prints
medians, spread (min-max) and ratios bakeoff / llama.cpp.

Targets (issue: models): decode >= 1.0x llama.cpp for bf16, q8_0 and q4_0;
prefill >= 0.8x.

    bench/llm_vs_llamacpp.py --gguf /cache/gguf/1b-q4_0.gguf [--gguf ...] [--runs 3]

Peers: bench/peers/build_llama_cpp.sh builds llama-bench (into a cache folder
outside the repository); bench/make_gguf.py writes the files. Needs a release
build (./scripts/build.sh release).

Not the same work in every detail, and the table says so: llama-bench times
whole tg runs (GEN steps at depths 0..GEN-1, sampling included) where bakeoff
times one decode step at depth GEN/2; bakeoff's runs are each verified
(logits against an fp64 forward, and the quality gate), llama.cpp's are not.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

CACHE = os.environ.get("BAKEOFF_PEER_CACHE", "/work/cache")


def run(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {(r.stderr or r.stdout).strip()[-400:]}")
    return r.stdout


def llama_bench(exe, gguf, threads, prompt, gen):
    out = run([exe, "-m", gguf, "-t", str(threads), "-p", str(prompt), "-n", str(gen), "-r", "1", "-o", "json"])
    rows = json.loads(out)
    pp = next(r["avg_ts"] for r in rows if r["n_prompt"] == prompt and r["n_gen"] == 0)
    tg = next(r["avg_ts"] for r in rows if r["n_gen"] == gen and r["n_prompt"] == 0)
    return pp, tg


def bakeoff(build, gguf, prompt, depth, tmp, budget):
    vals, extra = {}, {}
    for wl, size in (("llm.prefill", prompt), ("llm.decode", depth)):
        out = os.path.join(tmp, f"{wl}.json")
        run([os.path.join(build, "bakeoff"), "run", "--quiet", "--device", "cpu", "--workload", wl, "--size",
             str(size), "--path", "portable", "--model", gguf, "--time-budget", str(budget), "--out", out])
        with open(out) as f:
            recs = json.load(f)["records"]
        ok = [r for r in recs if r["status"] == "ok"]
        if not ok:
            raise RuntimeError(f"bakeoff {wl} on {gguf}: {recs[0]['status']}: {recs[0].get('reason')}")
        vals[wl] = ok[0]["value"]
        a = ok[0]["params"].get("adapted", {})
        extra[wl] = (a.get("weights_loaded_as"), ok[0].get("implementation", ""))
    return vals, extra


def spread(xs):
    return f"{statistics.median(xs):8.2f} [{min(xs):.2f}, {max(xs):.2f}]"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gguf", action="append", required=True)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--prompt", type=int, default=512)
    ap.add_argument("--gen", type=int, default=64)
    ap.add_argument("--budget", type=float, default=3.0, help="bakeoff --time-budget per case (s)")
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--llama-bench", default=os.path.join(CACHE, "llama-cpp-build", "bin", "llama-bench"))
    a = ap.parse_args()
    if not os.path.exists(a.llama_bench):
        sys.exit(f"llm_vs_llamacpp: no llama-bench at {a.llama_bench}: run bench/peers/build_llama_cpp.sh")
    depth = a.gen // 2
    print(f"threads {a.threads}, pp{a.prompt} vs llm.prefill size {a.prompt}, tg{a.gen} vs llm.decode depth {depth}, "
          f"{a.runs} interleaved rounds")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for gguf in a.gguf:
            s = {"lp": [], "lt": [], "bp": [], "bt": []}
            loaded = None
            for i in range(a.runs):
                pp, tg = llama_bench(a.llama_bench, gguf, a.threads, a.prompt, a.gen)
                s["lp"].append(pp)
                s["lt"].append(tg)
                v, loaded = bakeoff(a.build, gguf, a.prompt, depth, tmp, a.budget)
                s["bp"].append(v["llm.prefill"])
                s["bt"].append(v["llm.decode"])
                print(f"  {os.path.basename(gguf)} round {i + 1}: llama.cpp pp {pp:.1f} tg {tg:.1f}; "
                      f"bakeoff prefill {v['llm.prefill']:.1f} decode {v['llm.decode']:.1f}", flush=True)
            rows.append((gguf, s, loaded))
    print()
    print(f"{'file':24} {'phase':8} {'llama.cpp t/s':>24} {'bakeoff t/s':>24} {'ratio':>6} target  bakeoff held")
    for gguf, s, loaded in rows:
        for phase, lk, bk, target, wl in (("prefill", "lp", "bp", 0.8, "llm.prefill"),
                                          ("decode", "lt", "bt", 1.0, "llm.decode")):
            ratio = statistics.median(s[bk]) / statistics.median(s[lk])
            held = loaded[wl][0] if loaded else "?"
            print(f"{os.path.basename(gguf):24} {phase:8} {spread(s[lk]):>24} {spread(s[bk]):>24} {ratio:6.2f} "
                  f"{'met ' if ratio >= target else 'MISS'} {target:.1f}x  {held}")


if __name__ == "__main__":
    main()
