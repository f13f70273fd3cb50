#!/usr/bin/env python3
"""bakeoff's llm.serve against llama.cpp's llama-batched-bench, same GGUF file, same threads.

For each number of parallel sequences B (default 1, 2, 4, 8), RUNS rounds,
interleaved (a noisy host's drift hits both):
  - llama-batched-bench -npp PROMPT -ntg GEN -npl B: B sequences, each a
    PROMPT-token prompt then GEN generated tokens; it reports S_TG (aggregate
    decode tokens/s) and T (the whole batch's time, prompts included);
  - bakeoff run --workload llm.serve --concurrency B --requests B --isl PROMPT
    --osl GEN: the same B requests in flight at once through bakeoff's
    scheduler (continuous batching, chunked prefill, paged KV cache).
Compared: output tokens/s over the whole job = B GEN / T for llama.cpp against
bakeoff's record value (output tokens of a run / the run's time, prompts
included: the same work), and llama.cpp's S_TG (decode alone) beside it.
Also printed: bakeoff's scheduler overhead (time outside device ops per
step), target < 5 % of a step.

Not identical work in every detail, and the table says so: bakeoff draws each
request's lengths from [3/4, 1] of --isl/--osl (so its B requests hold a
little fewer tokens: the output rate is per token, so this is fair), and its
runs are verified (batched vs alone, alone vs fp64), llama.cpp's are not.

Target (issue: serving): bakeoff >= 1.0x at each B.

    bench/serve_vs_llamacpp.py --gguf /cache/gguf/1b-q4_0.gguf [--npl 1,2,4,8] [--runs 3]

Peers: bench/peers/build_llama_cpp.sh builds llama-batched-bench into a cache
folder outside the repository; bench/make_gguf.py writes the files.
"""
import argparse
import json
import os
import re
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from llm_vs_llamacpp import CACHE, run, spread  # noqa: E402


def batched_bench(exe, gguf, threads, prompt, gen, b):
    ctx = b * (prompt + gen) + 16
    out = run([exe, "-m", gguf, "-t", str(threads), "-c", str(ctx), "-b", "2048", "-ub", "512", "-npp", str(prompt),
               "-ntg", str(gen), "-npl", str(b)])
    # |    PP |     TG |    B |   N_KV |   T_PP s | S_PP t/s |   T_TG s | S_TG t/s |      T s |    S t/s |
    for line in out.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 10 and re.fullmatch(r"\d+", cells[0]) and int(cells[2]) == b:
            t_total, s_tg = float(cells[8]), float(cells[7])
            return b * gen / t_total, s_tg
    raise RuntimeError(f"no result row for B={b} in llama-batched-bench's output:\n{out[-800:]}")


def bakeoff(build, gguf, prompt, gen, b, tmp, budget):
    out = os.path.join(tmp, f"serve-{b}.json")
    run([os.path.join(build, "bakeoff"), "run", "--quiet", "--device", "cpu", "--workload", "llm.serve", "--model",
         gguf, "--concurrency", str(b), "--requests", str(b), "--isl", str(prompt), "--osl", str(gen),
         "--time-budget", str(budget), "--out", out])
    with open(out) as f:
        r = json.load(f)["records"][0]
    if r["status"] != "ok":
        raise RuntimeError(f"bakeoff llm.serve B={b}: {r['status']}: {r.get('reason')}")
    s = r["params"]["measured"]["serving"]
    return r["value"], s["scheduler_overhead_fraction"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gguf", required=True)
    ap.add_argument("--npl", default="1,2,4,8")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--prompt", type=int, default=128)
    ap.add_argument("--gen", type=int, default=32)
    ap.add_argument("--budget", type=float, default=1.0, help="bakeoff --time-budget per case (s)")
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--batched-bench",
                    default=os.path.join(CACHE, "llama-cpp-build", "bin", "llama-batched-bench"))
    a = ap.parse_args()
    if not os.path.exists(a.batched_bench):
        sys.exit(f"serve_vs_llamacpp: no llama-batched-bench at {a.batched_bench}: run bench/peers/build_llama_cpp.sh")
    npl = [int(x) for x in a.npl.split(",")]
    print(f"{os.path.basename(a.gguf)}: threads {a.threads}, prompt {a.prompt}, gen {a.gen}, B in {npl}, "
          f"{a.runs} interleaved rounds")
    res = {b: {"l": [], "ltg": [], "k": [], "ovh": []} for b in npl}
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(a.runs):
            for b in npl:
                l, ltg = batched_bench(a.batched_bench, a.gguf, a.threads, a.prompt, a.gen, b)
                k, ovh = bakeoff(a.build, a.gguf, a.prompt, a.gen, b, tmp, a.budget)
                for key, v in (("l", l), ("ltg", ltg), ("k", k), ("ovh", ovh)):
                    res[b][key].append(v)
                print(f"  round {i + 1} B={b}: llama.cpp {l:.1f} t/s (S_TG {ltg:.1f}); bakeoff {k:.1f} t/s, "
                      f"overhead {100 * ovh:.1f} %", flush=True)
    print()
    print(f"{'B':>3} {'llama.cpp out t/s':>24} {'(S_TG decode only)':>24} {'bakeoff out t/s':>24} {'ratio':>6} "
          f"target {'sched. overhead':>16}")
    for b in npl:
        s = res[b]
        ratio = statistics.median(s["k"]) / statistics.median(s["l"])
        ovh = statistics.median(s["ovh"])
        print(f"{b:>3} {spread(s['l']):>24} {spread(s['ltg']):>24} {spread(s['k']):>24} {ratio:6.2f} "
              f"{'met ' if ratio >= 1.0 else 'MISS'}   {100 * ovh:6.1f} % {'met' if ovh < 0.05 else 'MISS'}")


if __name__ == "__main__":
    main()
