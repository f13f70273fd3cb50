#!/usr/bin/env python3
"""Writes a tokenizer-less GGUF file (tokenizer.ggml.model = "none") of one of
bakeoff's llm preset shapes with random weights, for speed comparisons on
the same file (llama.cpp's llama-bench reads it; so does bakeoff --model).

    make_gguf.py --preset 1b --type q4_0 --out /work/cache/gguf/1b-q4_0.gguf

Types: f32, f16, bf16, q8_0, q4_0 (the gguf package's quantizers; it has no
Q4_K quantizer, so q4_k is refused). The 2-D weights take the type; the
RMSNorm weights stay f32, as llama.cpp's converter leaves them. Weights are
normal(0, 0.02) from a fixed seed, norms 1: the logits are meaningless, the
bytes and shapes are a real model's. The presets' llama3 rope scaling is not
written (llama.cpp would need a rope_freqs tensor): decode and prefill
speed do not depend on it.

Needs the gguf and numpy packages: without them it creates a virtual
environment in $BAKEOFF_PEER_CACHE/venv (default /work/cache/venv), installs
them there and runs itself again with it.
"""
import argparse
import os
import subprocess
import sys

CACHE = os.environ.get("BAKEOFF_PEER_CACHE", "/work/cache")

try:
    import numpy as np
    import gguf
except ImportError:
    venv = os.path.join(CACHE, "venv")
    py = os.path.join(venv, "bin", "python")
    if os.path.realpath(sys.executable) == os.path.realpath(py):
        raise
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", venv])
        subprocess.check_call([py, "-m", "pip", "install", "--quiet", "gguf", "numpy"])
    os.execv(py, [py] + sys.argv)

# bakeoff's llm presets (src/workloads/llm/llm_config.cpp): hidden, layers,
# heads, kv heads, head_dim, ffn, vocab, rope theta, rms eps, tied.
PRESETS = {
    "tiny": (64, 2, 4, 2, 16, 192, 256, 10000.0, 1e-5, True),
    "small": (512, 4, 8, 4, 64, 1536, 32000, 500000.0, 1e-5, True),
    "1b": (2048, 16, 32, 8, 64, 8192, 128256, 500000.0, 1e-5, True),
    "8b": (4096, 32, 32, 8, 128, 14336, 128256, 500000.0, 1e-5, False),
}

T = gguf.GGMLQuantizationType
TYPES = {"f32": T.F32, "f16": T.F16, "bf16": T.BF16, "q8_0": T.Q8_0, "q4_0": T.Q4_0}
# general.file_type (llama_ftype): what llama-bench prints as the model type.
FILE_TYPES = {"f32": 0, "f16": 1, "q4_0": 2, "q8_0": 7, "bf16": 32}


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--preset", choices=sorted(PRESETS), required=True)
    ap.add_argument("--type", choices=sorted(TYPES) + ["q4_k"], required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.type == "q4_k":
        sys.exit("make_gguf: the gguf package has no Q4_K quantizer (gguf.quants raises NotImplementedError)")
    hidden, layers, heads, kv, hd, ffn, vocab, theta, eps, tied = PRESETS[args.preset]
    qtype = TYPES[args.type]
    rng = np.random.default_rng(args.seed)

    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    w = gguf.GGUFWriter(args.out, "llama")
    w.add_name(f"bakeoff-{args.preset}-random")
    w.add_context_length(8192)
    w.add_embedding_length(hidden)
    w.add_block_count(layers)
    w.add_feed_forward_length(ffn)
    w.add_head_count(heads)
    w.add_head_count_kv(kv)
    w.add_key_length(hd)
    w.add_value_length(hd)
    w.add_rope_dimension_count(hd)
    w.add_rope_freq_base(theta)
    w.add_layer_norm_rms_eps(eps)
    w.add_vocab_size(vocab)
    w.add_file_type(FILE_TYPES[args.type])
    w.add_tokenizer_model("none")

    def matrix(name, rows, cols):
        x = rng.standard_normal((rows, cols), dtype=np.float32) * np.float32(0.02)
        if qtype == T.F32:
            w.add_tensor(name, x)
        elif qtype == T.F16:
            w.add_tensor(name, x.astype(np.float16))
        else:
            q = gguf.quants.quantize(x, qtype)
            w.add_tensor(name, q, raw_shape=q.shape, raw_dtype=qtype)

    def norm(name, n):
        w.add_tensor(name, np.ones(n, dtype=np.float32))

    matrix("token_embd.weight", vocab, hidden)
    for i in range(layers):
        p = f"blk.{i}."
        norm(p + "attn_norm.weight", hidden)
        matrix(p + "attn_q.weight", heads * hd, hidden)
        matrix(p + "attn_k.weight", kv * hd, hidden)
        matrix(p + "attn_v.weight", kv * hd, hidden)
        matrix(p + "attn_output.weight", hidden, heads * hd)
        norm(p + "ffn_norm.weight", hidden)
        matrix(p + "ffn_gate.weight", ffn, hidden)
        matrix(p + "ffn_up.weight", ffn, hidden)
        matrix(p + "ffn_down.weight", hidden, ffn)
    norm("output_norm.weight", hidden)
    if not tied:
        matrix("output.weight", vocab, hidden)

    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    print(args.out)


if __name__ == "__main__":
    main()
