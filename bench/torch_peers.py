#!/usr/bin/env python3
"""PyTorch's figures on the GPU bakeoff's CUDA backend just ran on, and the ratios.

Times, with CUDA events (3 warm-ups, then the median of --reps):
  - torch.matmul bf16 N x N x N (--gemm-size, 8192);
  - torch.nn.functional.scaled_dot_product_attention at every attention shape
    found in the bakeoff results given with --bakeoff (else the quick suite's
    b1-h8-s1024-d64 causal), fp32 and bf16 as the records have them;
  - a device-to-device copy of --copy-bytes (read + write bytes counted);
  - an eager PyTorch decode of the Llama-3.2-1B shape (the `1b` preset: dim
    2048, 16 layers, 32 heads, 8 KV heads, head_dim 64, ffn 8192, vocab
    128256, tied embeddings) at batch 1, bf16 weights, over a KV cache filled
    to each depth the bakeoff decode records have (else 128 and 1024).
Writes them as JSON (--out) and, given bakeoff results files (--bakeoff), a
summary of the ratios against the issue's targets (--summary):
  gemm bf16 vendor / torch.matmul >= 0.98; attention / SDPA >= 0.9 portable,
  >= 1.0 vendor; triad / torch copy >= 1.0 (and % of the spec bandwidth);
  decode 1b batch 1 / torch eager decode >= 1.0 (and the fraction of triad
  bandwidth both reach, bytes per token = weights + the cache rows read).

Usage: bench/torch_peers.py --out torch.json [--summary summary.txt]
                            [--bakeoff a.json b.json ...] [--reps 20]
Exit status 0 when every figure was measured (whatever the ratios), 1 otherwise.
"""
import argparse
import json
import math
import statistics
import sys

LLAMA_1B = dict(dim=2048, layers=16, heads=32, kv_heads=8, head_dim=64, ffn=8192, vocab=128256, theta=500000.0)


def torch_mod():
    import torch

    if not torch.cuda.is_available():
        sys.exit("torch_peers: PyTorch sees no CUDA device")
    return torch


def time_ms(torch, fn, reps, warmup=3):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        fn()
        e.record()
        e.synchronize()
        times.append(s.elapsed_time(e))
    return statistics.median(times)


def matmul_bf16(torch, n, reps):
    dev = torch.device("cuda")
    a = torch.rand(n, n, device=dev, dtype=torch.bfloat16) * 2 - 1
    b = torch.rand(n, n, device=dev, dtype=torch.bfloat16) * 2 - 1
    c = torch.empty(n, n, device=dev, dtype=torch.bfloat16)
    ms = time_ms(torch, lambda: torch.matmul(a, b, out=c), reps)
    # A spot check: one entry against an fp32 dot product.
    want = float((a[0].float() * b[:, 0].float()).sum())
    if abs(float(c[0, 0]) - want) > 0.05 * math.sqrt(n):
        sys.exit("torch_peers: torch.matmul gave a wrong result")
    return {"n": n, "ms": ms, "gflops": 2.0 * n ** 3 / (ms / 1e3) / 1e9}


def device_copy(torch, nbytes, reps):
    elems = nbytes // 4
    src = torch.rand(elems, device="cuda", dtype=torch.float32)
    dst = torch.empty_like(src)
    ms = time_ms(torch, lambda: dst.copy_(src), reps)
    if not torch.equal(dst, src):
        sys.exit("torch_peers: torch copy gave a wrong result")
    return {"bytes": elems * 4, "ms": ms, "gbs": 2.0 * elems * 4 / (ms / 1e3) / 1e9}


def visible_pairs(seq_q, seq_kv, causal):
    """(query, key) pairs attention computes, as bakeoff's attention workload counts them."""
    if not causal:
        return seq_q * seq_kv
    first = seq_kv - seq_q  # query i sees keys 0 .. first + i
    return sum(min(seq_kv, first + i + 1) for i in range(seq_q))


def sdpa(torch, shape, reps):
    import torch.nn.functional as F

    dt = {"fp32": torch.float32, "bf16": torch.bfloat16, "fp16": torch.float16}[shape["dtype"]]
    b, h, kvh, sq, skv, d = (shape[k] for k in ("batch", "heads", "kv_heads", "seq_q", "seq_kv", "head_dim"))
    q = torch.randn(b, h, sq, d, device="cuda", dtype=dt)
    k = torch.randn(b, kvh, skv, d, device="cuda", dtype=dt)
    v = torch.randn(b, kvh, skv, d, device="cuda", dtype=dt)
    gqa = kvh != h
    causal = bool(shape["causal"]) and sq == skv  # SDPA's causal mask is aligned top-left
    fn = lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal, enable_gqa=gqa)  # noqa: E731
    ms = time_ms(torch, fn, reps)
    flops = 4.0 * b * h * d * visible_pairs(sq, skv, bool(shape["causal"]))
    return dict(shape, ms=ms, gflops=flops / (ms / 1e3) / 1e9)


def decode_bytes_per_token(cfg, ctx, weight_bytes=2, cache_bytes=2):
    """Bytes a decode step reads for one sequence: every weight once, the cache rows it attends to."""
    d, f, L = cfg["dim"], cfg["ffn"], cfg["layers"]
    kv = cfg["kv_heads"] * cfg["head_dim"]
    per_layer = d * d * 2 + d * kv * 2 + 3 * d * f  # q, o; k, v; gate, up, down
    weights = (L * per_layer + cfg["vocab"] * d) * weight_bytes  # tied: the embedding is the head
    cache = 2 * L * (ctx + 1) * kv * cache_bytes
    return weights + cache


def eager_decode(torch, cfg, ctx, steps=32):
    """Tokens/s of a plain eager PyTorch decode (batch 1, bf16), the cache filled to depth ctx."""
    import torch.nn.functional as F

    dev, dt = "cuda", torch.bfloat16
    d, H, KH, hd, f, V, L = (cfg[k] for k in ("dim", "heads", "kv_heads", "head_dim", "ffn", "vocab", "layers"))
    g = torch.Generator(device=dev).manual_seed(1)

    def w(*shape):
        return (torch.randn(*shape, device=dev, dtype=torch.float32, generator=g) * 0.02).to(dt)

    emb = w(V, d)
    layers = [dict(n1=torch.ones(d, device=dev, dtype=dt), wq=w(H * hd, d), wk=w(KH * hd, d), wv=w(KH * hd, d),
                   wo=w(d, H * hd), n2=torch.ones(d, device=dev, dtype=dt), wg=w(f, d), wu=w(f, d), wd=w(d, f))
              for _ in range(L)]
    norm = torch.ones(d, device=dev, dtype=dt)
    cap = ctx + steps + 8
    kc = [torch.randn(1, KH, cap, hd, device=dev, dtype=dt, generator=g) for _ in range(L)]
    vc = [torch.randn(1, KH, cap, hd, device=dev, dtype=dt, generator=g) for _ in range(L)]
    inv = 1.0 / (cfg["theta"] ** (torch.arange(0, hd, 2, device=dev, dtype=torch.float32) / hd))

    def rms(x, wt):
        xf = x.float()
        return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + 1e-5)).to(dt) * wt

    def rope(x, pos):
        ang = pos * inv
        c, s = torch.cos(ang).to(dt), torch.sin(ang).to(dt)
        x1, x2 = x[..., : hd // 2], x[..., hd // 2:]
        return torch.cat([x1 * c - x2 * s, x2 * c + x1 * s], dim=-1)

    def step(tok, pos):
        x = emb[tok].view(1, 1, d)
        for i, ly in enumerate(layers):
            h = rms(x, ly["n1"])
            q = F.linear(h, ly["wq"]).view(1, 1, H, hd).transpose(1, 2)
            k = F.linear(h, ly["wk"]).view(1, 1, KH, hd).transpose(1, 2)
            v = F.linear(h, ly["wv"]).view(1, 1, KH, hd).transpose(1, 2)
            q, k = rope(q, pos), rope(k, pos)
            kc[i][:, :, pos: pos + 1] = k
            vc[i][:, :, pos: pos + 1] = v
            a = F.scaled_dot_product_attention(q, kc[i][:, :, : pos + 1], vc[i][:, :, : pos + 1], enable_gqa=True)
            x = x + F.linear(a.transpose(1, 2).reshape(1, 1, H * hd), ly["wo"])
            h = rms(x, ly["n2"])
            x = x + F.linear(F.silu(F.linear(h, ly["wg"])) * F.linear(h, ly["wu"]), ly["wd"])
        logits = F.linear(rms(x, norm), emb).float()
        return int(torch.argmax(logits[0, -1]))

    with torch.inference_mode():
        tok = 1
        for i in range(3):  # warm-up
            tok = step(tok, ctx + i)
        torch.cuda.synchronize()
        s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        s.record()
        for i in range(steps):
            tok = step(tok, ctx + i)  # argmax: one host sync a token, as a real decoder has
        e.record()
        e.synchronize()
        ms = s.elapsed_time(e)
    del layers, kc, vc, emb
    torch.cuda.empty_cache()
    tps = steps / (ms / 1e3)
    return {"ctx": ctx, "batch": 1, "dtype": "bf16", "steps": steps, "tokens_per_s": tps,
            "bytes_per_token": decode_bytes_per_token(cfg, ctx)}


# ------------------------------------------------------------ bakeoff results

def load_records(paths):
    recs = []
    for p in paths:
        try:
            with open(p) as f:
                recs += json.load(f).get("records", [])
        except (OSError, ValueError) as e:
            print(f"torch_peers: {p}: {e}", file=sys.stderr)
    return recs


def ok(records, workload):
    return [r for r in records if r.get("workload") == workload and r.get("status") == "ok"]


def attention_shapes(records):
    seen, shapes = set(), []
    for r in records:
        if r.get("workload") != "attention":
            continue
        p = r["params"]
        s = dict(dtype=r["dtype"], **{k: p[k] for k in ("batch", "heads", "kv_heads", "seq_q", "seq_kv", "head_dim")},
                 causal=bool(p["causal"]))
        key = tuple(sorted(s.items()))
        if key not in seen:
            seen.add(key)
            shapes.append(s)
    return shapes or [dict(dtype="bf16", batch=1, heads=8, kv_heads=8, seq_q=1024, seq_kv=1024, head_dim=64,
                           causal=True)]


def decode_depths(records):
    depths = set()
    for r in records:
        p = r.get("params", {})
        if r.get("workload") == "llm.decode" and p.get("preset") == "1b" and p.get("batch") == 1:
            depths.add(int(p.get("context_tokens", 0)))
    return sorted(d for d in depths if d > 0) or [128, 1024]


def ratio_line(name, a, b, target=None):
    if not a or not b:
        return f"{name}: n/a"
    r = a / b
    verdict = "" if target is None else ("  meets >= %.2f" % target if r >= target else "  MISSES >= %.2f" % target)
    return f"{name}: {r:.3f}{verdict}"


def summary(t, records):
    out = [f"GPU: {t['gpu']}  torch {t['torch']}  CUDA {t['cuda']}"]
    gemm = [r for r in ok(records, "gemm") if r["dtype"] == "bf16" and r["params"].get("m") == t["matmul"]["n"]]
    for path in ("vendor", "portable"):
        r = next((x for x in gemm if x["path"] == path), None)
        out.append(ratio_line(f"gemm bf16 {t['matmul']['n']}^3 {path} / torch.matmul ({t['matmul']['gflops'] / 1e3:.1f} TFLOP/s)",
                              r and r["value"], t["matmul"]["gflops"], 0.98 if path == "vendor" else None))
    for s in t["sdpa"]:
        for r in ok(records, "attention"):
            p = r["params"]
            if r["dtype"] == s["dtype"] and all(p[k] == s[k] for k in ("batch", "heads", "kv_heads", "seq_q",
                                                                      "seq_kv", "head_dim")) and bool(p["causal"]) == s["causal"]:
                out.append(ratio_line(f"attention {r['size_label']} {r['dtype']} {r['path']} / SDPA ({s['gflops']:.0f} GFLOP/s)",
                                      r["value"], s["gflops"], 1.0 if r["path"] == "vendor" else 0.9))
    triads = ok(records, "membw.triad")
    triad = max(triads, key=lambda r: r["value"]) if triads else None
    if triad:
        spec = (triad.get("peak") or {}).get("value")
        out.append(ratio_line(f"membw.triad {triad['dtype']} {triad['size_label']} / torch copy ({t['copy']['gbs']:.0f} GB/s)",
                              triad["value"], t["copy"]["gbs"], 1.0))
        out.append(ratio_line("membw.triad / spec bandwidth (no target; ~0.9 typical)", triad["value"], spec))
    else:
        out.append("membw.triad: no passing record")
    triad_gbs = triad["value"] if triad else None
    for dd in t["decode"]:
        out.append(f"torch eager decode 1b b1 ctx{dd['ctx']} bf16: {dd['tokens_per_s']:.1f} tokens/s, "
                   + (f"{dd['tokens_per_s'] * dd['bytes_per_token'] / 1e9 / triad_gbs:.3f} of triad bandwidth"
                      if triad_gbs else "triad n/a"))
        for r in ok(records, "llm.decode"):
            p = r["params"]
            if (p.get("preset") == "1b" and p.get("batch") == 1 and r["dtype"] == "bf16"
                    and int(p.get("context_tokens", -1)) == dd["ctx"]):
                frac = (f", {r['value'] * dd['bytes_per_token'] / 1e9 / triad_gbs:.3f} of triad bandwidth"
                        if triad_gbs else "")
                out.append(ratio_line(f"llm.decode {r['size_label']} bf16 {r['path']} ({r['value']:.1f} tokens/s{frac}) / torch eager",
                                      r["value"], dd["tokens_per_s"], 1.0))
    failed = [r for r in records if r.get("status") == "failed"]
    out.append(f"bakeoff records: {sum(r.get('status') == 'ok' for r in records)} ok, {len(failed)} failed, "
               f"{sum(r.get('status') == 'unsupported' for r in records)} unsupported")
    out += [f"failed: {r['id']}: {r.get('reason', '')}" for r in failed]
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="JSON file for the torch figures")
    ap.add_argument("--summary", help="text file for the ratios (needs --bakeoff)")
    ap.add_argument("--bakeoff", nargs="*", default=[], help="bakeoff results files to compare with")
    ap.add_argument("--gemm-size", type=int, default=8192)
    ap.add_argument("--copy-bytes", type=int, default=2 << 30)
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--decode-steps", type=int, default=32)
    o = ap.parse_args()
    torch = torch_mod()
    records = load_records(o.bakeoff)
    t = {"gpu": torch.cuda.get_device_name(0), "torch": torch.__version__, "cuda": torch.version.cuda}
    t["matmul"] = matmul_bf16(torch, o.gemm_size, o.reps)
    t["copy"] = device_copy(torch, o.copy_bytes, o.reps)
    t["sdpa"] = [sdpa(torch, s, o.reps) for s in attention_shapes(records)]
    t["decode"] = [eager_decode(torch, LLAMA_1B, ctx, o.decode_steps) for ctx in decode_depths(records)]
    with open(o.out, "w") as f:
        json.dump(t, f, indent=1)
    text = summary(t, records)
    print(text, end="")
    if o.summary:
        with open(o.summary, "w") as f:
            f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
