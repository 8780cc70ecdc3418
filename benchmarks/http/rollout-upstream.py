"""The rollout-shaped trajectory for /retrieve_from_text benchmarks: a short
chat prompt (~100 tokens) and a long generated answer (~330 tokens) with
log-probabilities, about 2 KB of text, as an RL rollout's trajectory is mostly
generated.

Writes the static upstream's /generate answer (SGLang's shape: the answer's
text, its Qwen3 ids and a stop token, a float32 log-probability per token,
widened to double as SGLang's JSON carries them), which
nginx-upstream-file.conf.template serves, and the prompt the router is sent.

usage: rollout-upstream.py TOKENIZER_DIR BODY_OUT PROMPT_OUT
"""
import json
import random
import struct
import sys

from tokenizers import Tokenizer

GENERATED_TOKENS = 330
STOP = 151645  # <|im_end|>

tokenizer_dir, body_out, prompt_out = sys.argv[1:]
tokenizer = Tokenizer.from_file(f"{tokenizer_dir}/tokenizer.json")

prompt = (
    "<|im_start|>system\nYou are a careful math tutor. Solve the problem step by step, "
    "explain each operation in plain words, and give the final answer on its own line.<|im_end|>\n"
    "<|im_start|>user\nA farmer has 12 rows of apple trees with 7 trees in each row. Each tree gives "
    "35 apples, and he sells them in boxes of 15. How many full boxes can he fill, and how many apples "
    "are left over?<|im_end|>\n<|im_start|>assistant\n"
)

steps = [
    "First, we determine how many trees are standing in the orchard altogether: twelve rows multiplied by seven "
    "trees in every row gives eighty-four trees.",
    "Second, we calculate the harvest: every one of those eighty-four trees produces thirty-five apples, so the "
    "farmer collects eighty-four multiplied by thirty-five apples.",
    "Breaking the multiplication into simpler pieces, eighty-four times thirty equals two thousand five hundred "
    "twenty, and eighty-four times five equals four hundred twenty; together that makes two thousand nine hundred "
    "forty apples.",
    "Third, we consider the packaging: each box contains exactly fifteen apples, therefore we divide two thousand "
    "nine hundred forty by fifteen to find how many complete boxes are possible.",
    "Because fifteen multiplied by one hundred ninety-six is precisely two thousand nine hundred forty, the farmer "
    "fills one hundred ninety-six boxes, and nothing remains.",
    "Verifying the reasoning, one hundred ninety-six boxes holding fifteen apples each returns the original total, "
    "which confirms the calculation.",
]
words = " ".join(steps * 3).split(" ")
# The longest whole-word answer of at most GENERATED_TOKENS - 1 tokens (the stop token is the last).
answer = ""
for count in range(len(words), 0, -1):
    answer = " " + " ".join(words[:count])
    if len(tokenizer.encode(answer, add_special_tokens=False).ids) <= GENERATED_TOKENS - 1:
        break
ids = tokenizer.encode(answer, add_special_tokens=False).ids + [STOP]
assert tokenizer.decode(ids[:-1]) == answer, "the answer's ids spell it"

rng = random.Random(17)


def logprob():
    # Mostly confident tokens (close to 0), some uncertain ones; float32 widened.
    value = -(10 ** rng.uniform(-7, -1)) if rng.random() < 0.7 else -rng.expovariate(0.8)
    return struct.unpack("f", struct.pack("f", value))[0]


body = {
    "text": answer,
    "output_ids": ids,
    "meta_info": {
        "id": "rollout-0",
        "finish_reason": {"type": "stop", "matched": STOP},
        "prompt_tokens": len(tokenizer.encode(prompt, add_special_tokens=False).ids),
        "completion_tokens": len(ids),
        "cached_tokens": 0,
        "weight_version": "default",
        "e2e_latency": 0.001,
        "output_token_logprobs": [[logprob(), token, None] for token in ids],
    },
}
with open(body_out, "w") as out:
    json.dump(body, out, separators=(",", ":"))
with open(prompt_out, "w") as out:
    out.write(prompt)
