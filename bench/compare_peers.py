#!/usr/bin/env python3
"""Measure bakeoff against peer tools on this machine, in one run.

bakeoff must never under-report the machine. For each pair the script runs
both sides RUNS times, interleaved (so slow drift of a noisy host hits both),
and prints medians, spread (min-max) and the ratio bakeoff / peer:

  membw.triad, membw.copy  vs likwid-bench (same threads, same working set);
      STREAM triad is likwid's stream_<isa> / stream_mem_<isa> (non-temporal
      stores), copy is copy_<isa> / copy_mem_<isa>: the better of each pair.
  gemm fp64/fp32/bf16/int8 vendor  vs the best standalone library figure of
      the same size: OpenBLAS (fp64, fp32) as installed and, when its default
      core falls back below the CPU, again with the OPENBLAS_CORETYPE bakeoff's
      warning names; oneDNN (fp32, bf16, int8). Target: bakeoff / best >= 0.97.
      Where bakeoff warns of a fallback, it also runs bakeoff with the fixing
      setting, as a user who read the warning would;
  the quick suite's wall time;
  and, on the same silicon, the OpenCL backend (PoCL on a CPU) against the CPU
  backend: membw.triad (quick size), gemm fp32 on the portable path of both, and
  the quick suite's attention and llm.decode cases (portable path on both).

Usage: bench/compare_peers.py [--runs 5] [--build build/release] [--gemm-size 2048] [--only gemm]
Needs: likwid (Debian package), a release build (./scripts/build.sh release).
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def sh(cmd, env=None):
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} exited {r.returncode}: {r.stderr.strip()[:300]}")
    return r.stdout


def bakeoff_values(build, args, tmp):
    out = os.path.join(tmp, "b.json")
    sh([os.path.join(build, "bakeoff"), "run", "--quiet", "--out", out] + args)
    with open(out) as f:
        doc = json.load(f)
    vals = {}
    for r in doc["records"]:
        if r["status"] == "ok":
            vals[(r["workload"], r["dtype"])] = (r["value"], r["params"], r["implementation"], r["warnings"])
    return vals, doc


def likwid(test, total_bytes, threads):
    out = sh(["likwid-bench", "-t", test, "-w", f"S0:{total_bytes // 1000}kB:{threads}"])
    m = re.search(r"MByte/s:\s+([\d.]+)", out)
    if not m:
        raise RuntimeError(f"likwid-bench {test}: no MByte/s in output")
    return float(m.group(1)) / 1000.0  # GB/s


def peer(build, prog, dtype, n, env=None):
    out = sh([os.path.join(build, "bench", prog), dtype, str(n), "10"], env=env)
    m = re.match(r"([\d.]+) G", out)
    if not m:
        raise RuntimeError(f"{prog} {dtype}: {out.strip()}")
    return float(m.group(1)), out.strip()


def summary(xs):
    return statistics.median(xs), min(xs), max(xs)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--build", default="build/release")
    ap.add_argument("--gemm-size", type=int, default=2048)
    ap.add_argument("--only", choices=["gemm"], help="only the vendor GEMM against the standalone libraries")
    a = ap.parse_args()
    if a.only == "gemm":
        gemm_against_libraries(a)
        return
    if not shutil.which("likwid-bench"):
        sys.exit("compare_peers: likwid-bench not found (apt-get install likwid)")
    threads = os.cpu_count()
    isa = "avx512" if "avx512f" in open("/proc/cpuinfo").read() else "avx"
    tmp = tempfile.mkdtemp()
    rows = {}

    def add(name, b, p, note=""):
        rows.setdefault(name, {"bakeoff": [], "peer": [], "note": note})
        rows[name]["bakeoff"].append(b)
        rows[name]["peer"].append(p)

    impl = {}
    for run in range(a.runs):
        vals, _ = bakeoff_values(a.build, ["--suite", "quick", "--device", "cpu", "--workload", "membw.triad,membw.copy"],
                                 tmp)
        for wl, arrays, tests in (("membw.triad", 3, ("stream", "stream_mem")), ("membw.copy", 2, ("copy", "copy_mem"))):
            v, params, im, _ = vals[(wl, "fp64")]
            total = params["array_bytes"] * arrays
            best = max(likwid(f"{t}_{isa}", total, threads) for t in tests)
            add(f"{wl} fp64 {params['array_bytes'] >> 20} MiB/array", v, best,
                f"likwid-bench best of {tests[0]}_{isa}/{tests[1]}_{isa}, {threads} threads")
            impl[wl] = im
        gvals, _ = bakeoff_values(a.build, ["--device", "cpu", "--workload", "gemm", "--path", "vendor",
                                            "--dtype", "fp64,fp32,bf16,int8",
                                            "--size", str(a.gemm_size)], tmp)
        for dt, prog in (("fp64", "peer_openblas_gemm"), ("fp32", "peer_openblas_gemm"),
                         ("bf16", "peer_onednn_matmul"), ("int8", "peer_onednn_matmul")):
            if ("gemm", dt) not in gvals:
                continue
            try:
                p, pdesc = peer(a.build, prog, dt, a.gemm_size)
            except RuntimeError as e:
                print(f"peer {prog} {dt}: {e}", file=sys.stderr)
                continue
            add(f"gemm {dt} {a.gemm_size} vendor", gvals[("gemm", dt)][0], p, pdesc)
            impl[f"gemm {dt}"] = gvals[("gemm", dt)][2]
    ocl = {}
    try:
        for run in range(a.runs):
            for dev in ("cpu", "opencl"):
                v, _ = bakeoff_values(a.build, ["--device", dev, "--workload", "gemm", "--dtype", "fp32",
                                                "--path", "portable", "--size", str(a.gemm_size)], tmp)
                tv, _ = bakeoff_values(a.build, ["--suite", "quick", "--device", dev, "--workload", "membw.triad"], tmp)
                # The model workloads' quick cases, bakeoff's own kernels on both.
                mv, _ = bakeoff_values(a.build, ["--suite", "quick", "--device", dev, "--workload",
                                                 "attention,llm.decode", "--path", "portable"], tmp)
                for key, val in list(v.items()) + list(tv.items()) + list(mv.items()):
                    ocl.setdefault((dev,) + key, []).append(val[0])
    except RuntimeError as e:
        print(f"opencl comparison skipped: {e}", file=sys.stderr)

    walls = []
    for run in range(min(a.runs, 3)):
        t0 = time.monotonic()
        sh([os.path.join(a.build, "bakeoff"), "run", "--suite", "quick", "--quiet", "--out", os.path.join(tmp, "q.json")])
        walls.append(time.monotonic() - t0)

    print(f"| case | bakeoff median [min, max] | peer median [min, max] | ratio | peer |")
    print(f"| --- | ---: | ---: | ---: | --- |")
    for name, r in rows.items():
        bm, blo, bhi = summary(r["bakeoff"])
        pm, plo, phi = summary(r["peer"])
        print(f"| {name} | {bm:.1f} [{blo:.1f}, {bhi:.1f}] | {pm:.1f} [{plo:.1f}, {phi:.1f}] | {bm / pm:.3f} | {r['note']} |")
    wm, wlo, whi = summary(walls)
    print(f"\nquick suite wall time: median {wm:.1f} s [{wlo:.1f}, {whi:.1f}] over {len(walls)} runs (target < 60 s)")
    if ocl:
        print("\n| case | cpu backend median [min, max] | opencl (PoCL) median [min, max] | opencl / cpu |")
        print("| --- | ---: | ---: | ---: |")
        for (dev, wl, dt) in sorted(k for k in ocl if k[0] == "cpu"):
            if ("opencl", wl, dt) not in ocl:
                continue
            cm, clo, chi = summary(ocl[("cpu", wl, dt)])
            om, olo, ohi = summary(ocl[("opencl", wl, dt)])
            print(f"| {wl} {dt} | {cm:.1f} [{clo:.1f}, {chi:.1f}] | {om:.1f} [{olo:.1f}, {ohi:.1f}] | {om / cm:.3f} |")
    print("\nbakeoff implementations:")
    for k, v in impl.items():
        print(f"- {k}: {v}")


FIX = re.compile(r"(OPENBLAS_CORETYPE=\w+) selects the right kernels")


def gemm_against_libraries(a):
    """bakeoff's vendor GEMM against the best standalone library figure, per dtype."""
    tmp = tempfile.mkdtemp()
    args = ["--device", "cpu", "--workload", "gemm", "--path", "vendor", "--dtype", "fp64,fp32,bf16,int8",
            "--size", str(a.gemm_size)]
    peers = {"fp64": ["peer_openblas_gemm"], "fp32": ["peer_openblas_gemm", "peer_onednn_matmul"],
             "bf16": ["peer_onednn_matmul"], "int8": ["peer_onednn_matmul"]}
    figs = {}  # (dtype, who) -> [values]
    notes = {}
    fix = None
    for run in range(a.runs):
        vals, _ = bakeoff_values(a.build, args, tmp)
        for (wl, dt), (v, _, im, warns) in vals.items():
            figs.setdefault((dt, "bakeoff"), []).append(v)
            notes[(dt, "bakeoff")] = im
            for w in warns:
                m = FIX.search(w)
                fix = fix or (m.group(1) if m else None)
        if fix:  # the setting bakeoff's warning names, applied as a user would
            env = dict(os.environ, **dict([fix.split("=", 1)]))
            out = os.path.join(tmp, "fixed.json")
            sh([os.path.join(a.build, "bakeoff"), "run", "--quiet", "--out", out] + args, env=env)
            for r in json.load(open(out))["records"]:
                if r["status"] == "ok":
                    figs.setdefault((r["dtype"], f"bakeoff with {fix}"), []).append(r["value"])
                    notes[(r["dtype"], f"bakeoff with {fix}")] = r["implementation"]
        for dt, progs in peers.items():
            for prog in progs:
                envs = [("", None)]
                if prog == "peer_openblas_gemm" and fix:
                    envs.append((f" {fix}", dict(os.environ, **dict([fix.split("=", 1)]))))
                for tag, env in envs:
                    try:
                        p, desc = peer(a.build, prog, dt, a.gemm_size, env)
                    except RuntimeError as e:
                        print(f"peer {prog} {dt}: {e}", file=sys.stderr)
                        continue
                    who = prog.replace("peer_", "") + tag
                    figs.setdefault((dt, who), []).append(p)
                    notes[(dt, who)] = desc
    print(f"| gemm {a.gemm_size} | figure | median [min, max] over {a.runs} runs | / best standalone | what ran |")
    print("| --- | --- | ---: | ---: | --- |")
    for dt in peers:
        libs = {who: summary(v) for (d, who), v in figs.items() if d == dt and not who.startswith("bakeoff")}
        best = max((s[0] for s in libs.values()), default=None)
        for (d, who), v in sorted(figs.items(), key=lambda kv: (not kv[0][1].startswith("bakeoff"), kv[0][1])):
            if d != dt:
                continue
            m, lo, hi = summary(v)
            ratio = f"{m / best:.3f}" if best else "—"
            if who == "bakeoff" and best:
                ratio += " (target >= 0.97: " + ("met" if m / best >= 0.97 else "NOT met") + ")"
            print(f"| {dt} | {who} | {m:.1f} [{lo:.1f}, {hi:.1f}] | {ratio} | {notes[(d, who)]} |")


if __name__ == "__main__":
    main()
