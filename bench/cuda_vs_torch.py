#!/usr/bin/env python3
"""bakeoff's CUDA backend against PyTorch on the same GPU, in one run.

On a machine with an NVIDIA GPU, the CUDA toolkit and PyTorch (CUDA build):
  1. builds bakeoff (release) into --build;
  2. runs `bakeoff conformance --backend cuda` and prints its summary;
  3. runs `bakeoff run --device cuda --suite standard`, plus gemm bf16 at
     --gemm-size on the vendor (cuBLASLt) and portable paths;
  4. times torch.matmul on bf16 --gemm-size^3 and a device-to-device copy of
     --copy-bytes with CUDA events (warm-up first, median of --reps);
  5. prints the figures and the ratios:
       bakeoff gemm bf16 vendor / torch.matmul bf16       (same size)
       bakeoff gemm bf16 portable / torch.matmul bf16     (the portable gap)
       bakeoff membw.triad / the device's spec bandwidth  (peak_mem_gbs)
       bakeoff membw.triad / torch copy, both counting read + write bytes.

Usage: bench/cuda_vs_torch.py [--build build/cuda-bench] [--gemm-size 8192]
                              [--copy-bytes 2GiB] [--reps 20] [--skip-build]
Exit status: 0 when everything ran (whatever the ratios), 1 otherwise.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(cmd, check=True):
    print("+ " + " ".join(cmd), flush=True)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if check and r.returncode != 0:
        sys.exit(f"{cmd[0]} exited {r.returncode}:\n{r.stderr.strip()[-2000:]}")
    return r


def parse_bytes(text):
    units = {"k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
    t = text.strip().lower().rstrip("b").rstrip("i")
    return int(float(t[:-1]) * units[t[-1]]) if t and t[-1] in units else int(t)


def build(path):
    run(["cmake", "-S", ROOT, "-B", path, "-DCMAKE_BUILD_TYPE=Release", "-DBAKEOFF_BUILD_TESTS=OFF"])
    run(["cmake", "--build", path, "-j", str(os.cpu_count() or 2), "--target", "bakeoff", "bakeoff_backend_cuda"])


def bakeoff_run(binary, args, out):
    r = run([binary, "run", "--quiet", "--out", out] + args, check=False)
    if r.returncode not in (0, 1):  # 1: some case failed; the others are still in the file
        sys.exit(f"bakeoff run exited {r.returncode}:\n{r.stderr.strip()[-2000:]}")
    with open(out) as f:
        return json.load(f)


def ok_records(doc):
    return [r for r in doc["records"] if r["status"] == "ok"]


def torch_figures(n, copy_bytes, reps):
    # The same timings bench/gpu_check.sh takes (bench/torch_peers.py).
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import torch_peers

    torch = torch_peers.torch_mod()
    return {"torch": torch.__version__, "cuda": torch.version.cuda, "gpu": torch.cuda.get_device_name(0),
            "gemm_bf16_gflops": torch_peers.matmul_bf16(torch, n, reps)["gflops"],
            "copy_gbs": torch_peers.device_copy(torch, copy_bytes, reps)["gbs"]}


def pick(records, workload, dtype=None, path=None):
    rs = [r for r in records if r["workload"] == workload and (dtype is None or r["dtype"] == dtype)
          and (path is None or r["path"] == path)]
    # The largest size: the one furthest from caches and launch overheads.
    return max(rs, key=lambda r: r["size"]) if rs else None


def ratio(a, b):
    return f"{a / b:.3f}" if a and b else "n/a"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--build", default=os.path.join(ROOT, "build", "cuda-bench"))
    ap.add_argument("--gemm-size", type=int, default=8192)
    ap.add_argument("--copy-bytes", default="2GiB")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--skip-build", action="store_true")
    o = ap.parse_args()
    if not o.skip_build:
        build(o.build)
    binary = os.path.join(o.build, "bakeoff")

    conf = run([binary, "conformance", "--backend", "cuda"], check=False)
    print(conf.stdout.strip().splitlines()[-1] if conf.stdout.strip() else conf.stderr.strip())
    print(f"conformance exit status {conf.returncode} (0: every supported case passed)")

    with tempfile.TemporaryDirectory() as tmp:
        std = bakeoff_run(binary, ["--device", "cuda", "--suite", "standard"], os.path.join(tmp, "standard.json"))
        big = bakeoff_run(binary, ["--device", "cuda", "--workload", "gemm", "--dtype", "bf16", "--size",
                                   str(o.gemm_size)], os.path.join(tmp, "gemm.json"))
    records = ok_records(std) + ok_records(big)
    failed = [r["id"] + ": " + r["reason"] for r in std["records"] + big["records"] if r["status"] == "failed"]
    for f in failed:
        print("failed: " + f)

    t = torch_figures(o.gemm_size, parse_bytes(o.copy_bytes), o.reps)
    vendor = pick(ok_records(big), "gemm", "bf16", "vendor")
    portable = pick(ok_records(big), "gemm", "bf16", "portable")
    triad = pick(records, "membw.triad", "fp64") or pick(records, "membw.triad")
    spec = triad["peak"]["value"] if triad and triad.get("peak") else None

    print()
    print(f"GPU: {t['gpu']}  (torch {t['torch']}, CUDA {t['cuda']})")
    print(f"torch.matmul bf16 {o.gemm_size}^3:          {t['gemm_bf16_gflops'] / 1e3:10.1f} TFLOP/s")
    for name, r in (("vendor", vendor), ("portable", portable)):
        v = r["value"] / 1e3 if r else None
        print(f"bakeoff gemm bf16 {name:8s}:            " + (f"{v:10.1f} TFLOP/s" if v else "       n/a") +
              f"   ratio to torch {ratio(r and r['value'], t['gemm_bf16_gflops'])}")
    print(f"torch copy {o.copy_bytes} (read + write):  {t['copy_gbs']:10.1f} GB/s")
    if triad:
        print(f"bakeoff membw.triad {triad['dtype']} {triad['size_label']}: {triad['value']:10.1f} GB/s"
              f"   ratio to spec {ratio(triad['value'], spec)} (spec {spec or 0:.0f} GB/s)"
              f"   ratio to torch copy {ratio(triad['value'], t['copy_gbs'])}")
    else:
        print("bakeoff membw.triad: no passing record")
    return 1 if failed or not vendor or not triad else 0


if __name__ == "__main__":
    sys.exit(main())
