#!/usr/bin/env bash
# The CUDA backend's proof on a GPU, in one call of under 10 minutes, from the
# pack bench/pack_gpu_check.sh made on a build machine (carry build/gpu-pack).
# Writes into OUTDIR (8 files):
#   log.txt        nvidia-smi, `bakeoff devices`, `bakeoff conformance
#                  --backend cuda` and every step's command, exit status, time
#   quick.json     `bakeoff run --device cuda --suite quick`
#   llm.json       the `1b` llm.prefill and llm.decode cases (bf16 weights;
#                  prompt / depth 1024, the standard suite's batches 1 and 8)
#   attention.json the standard suite's attention cases on CUDA
#   gemm.json      gemm bf16 8192^3, vendor (cuBLASLt) and portable
#   serve.json     llm.serve's standard concurrency sweep (small model, bf16:
#                  continuous batching over the paged-attention kernels)
#   torch.json     PyTorch on the same GPU in the same call: torch.matmul bf16
#                  8192^3, scaled_dot_product_attention at the attention
#                  cases' shapes, a device copy, an eager decode of the 1b
#                  shape at batch 1 with bf16 weights (bench/torch_peers.py)
#   summary.txt    the ratios against the targets of docs/cuda.md
# Every step has a time limit (within 570 s in all); a step that fails or
# times out is logged and the next one runs.
# Usage: bench/gpu_check.sh OUTDIR
# Exit status: 2 without a pack or OUTDIR; 1 when a step failed; 0 otherwise.
set -uo pipefail
out=${1:-}
[[ -n $out ]] || { echo "usage: bench/gpu_check.sh OUTDIR" >&2; exit 2; }
cd "$(dirname "$0")/.."
pack=build/gpu-pack/bakeoff.tar.xz
[[ -f $pack ]] || { echo "gpu_check: no $pack (run bench/pack_gpu_check.sh where bakeoff builds, and carry build/gpu-pack)" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)
log=$out/log.txt
: >"$log"
deadline=$((SECONDS + 570))
failed=0

work=$(mktemp -d /tmp/bakeoff-gpu.XXXXXX)
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xJf "$pack" || { echo "gpu_check: cannot unpack $pack" >&2; exit 1; }
B=$work/bakeoff/bakeoff
# The pack's libraries first, then CUDA's: the toolkit's, then PyTorch's wheels (cuBLASLt).
wheel_libs=$(python3 -c '
import glob, os, site
dirs = {os.path.dirname(p) for sp in site.getsitepackages()
        for p in glob.glob(os.path.join(sp, "nvidia", "**", "libcublasLt.so*"), recursive=True)}
print(":".join(sorted(dirs)))' 2>/dev/null)
export LD_LIBRARY_PATH=$work/bakeoff/lib:/usr/local/cuda/lib64:/usr/local/cuda/lib${wheel_libs:+:$wheel_libs}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

# step NAME SECONDS COMMAND...: runs it with its output in the log, within the deadline.
step() {
  local name=$1 limit=$2 left=$((deadline - SECONDS)) start=$SECONDS rc
  shift 2
  ((limit > left)) && limit=$left
  if ((limit < 5)); then
    echo "== $name: skipped, the 570 s budget is spent" >>"$log"
    failed=1
    return
  fi
  echo "== $name (limit ${limit} s): $*" >>"$log"
  timeout -k 5 "$limit" "$@" >>"$log" 2>&1
  rc=$?
  echo "== $name: exit $rc after $((SECONDS - start)) s" >>"$log"
  # bakeoff run exits 1 when a case failed (the file still holds every record).
  ((rc != 0)) && failed=1
}

{ date -u; nvidia-smi; echo "LD_LIBRARY_PATH=$LD_LIBRARY_PATH"; } >>"$log" 2>&1
step devices 20 "$B" devices
step conformance 80 "$B" conformance --backend cuda
step quick 100 "$B" run --device cuda --suite quick --time-budget 2 --out "$out/quick.json"
step llm 150 "$B" run --device cuda --suite standard --workload 'llm.*' --dtype bf16 --size 1024 \
  --time-budget 3 --out "$out/llm.json"
step attention 50 "$B" run --device cuda --suite standard --workload attention --time-budget 1 \
  --out "$out/attention.json"
step gemm 30 "$B" run --device cuda --workload gemm --dtype bf16 --size 8192 --time-budget 3 --out "$out/gemm.json"
step serve 20 "$B" run --device cuda --suite standard --workload llm.serve --dtype bf16 --time-budget 0.5 \
  --out "$out/serve.json"
results=()
for f in quick llm attention gemm; do [[ -f $out/$f.json ]] && results+=("$out/$f.json"); done
step torch 120 env PYTHONUNBUFFERED=1 python3 bench/torch_peers.py --out "$out/torch.json" \
  --summary "$out/summary.txt" --bakeoff "${results[@]}"
echo "== done after $SECONDS s" >>"$log"
exit $failed
