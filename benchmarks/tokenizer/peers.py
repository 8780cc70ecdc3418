"""tiktoken and HF tokenizers on the same corpus and chunks as main.swift (one thread)."""
import json
import os
import resource
import sys
import time

os.environ["RAYON_NUM_THREADS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"
import tiktoken  # noqa: E402
from tiktoken.load import load_tiktoken_bpe  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts"))
from tokenizer_fixtures import QWEN3_ADDED, QWEN_PATTERN, rank_file  # noqa: E402


def chunks(data, size):
    out, i = [], 0
    while i < len(data):
        j = min(i + size, len(data))
        while j < len(data) and data[j] & 0xC0 == 0x80:
            j += 1
        out.append(data[i:j].decode("utf-8"))
        i = j
    return out


def rss():
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))


def measure(encode, pieces, rounds):
    best, tokens = float("inf"), 0
    for _ in range(rounds):
        start = time.perf_counter()
        tokens = sum(len(encode(p)) for p in pieces)
        best = min(best, time.perf_counter() - start)
    return best, tokens


def main(model_dir, corpus_path, chunk_size, rounds):
    data = open(corpus_path, "rb").read()
    pieces = chunks(data, int(chunk_size))
    results = {}

    before, start = rss(), time.perf_counter()
    ranks = load_tiktoken_bpe(rank_file())
    enc = tiktoken.Encoding("qwen", pat_str=QWEN_PATTERN, mergeable_ranks=ranks,
                            special_tokens={c: len(ranks) + i for i, (c, _) in enumerate(QWEN3_ADDED)})
    load = time.perf_counter() - start
    seconds, tokens = measure(enc.encode_ordinary, pieces, int(rounds))
    results["tiktoken"] = {"mb_per_s": len(data) / seconds / 1e6, "tokens": tokens, "load_s": load,
                           "vocab_rss_bytes": rss() - before}

    before, start = rss(), time.perf_counter()
    hf = Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    load = time.perf_counter() - start
    seconds, tokens = measure(lambda p: hf.encode(p, add_special_tokens=False).ids, pieces, max(1, int(rounds) // 3))
    results["hf_tokenizers"] = {"mb_per_s": len(data) / seconds / 1e6, "tokens": tokens, "load_s": load,
                                "vocab_rss_bytes": rss() - before}
    print(json.dumps(results))


if __name__ == "__main__":
    main(*sys.argv[1:])
