"""Deterministic text generators for the tokenizer differential test and benchmark."""
import glob
import os
import pydoc_data.topics
import sysconfig

WORDS = {
    "english": "the quick brown fox jumps over lazy dog while people say hello world again and again".split(),
    "contractions": ["I'm", "you're", "DON'T", "We'LL", "it'S", "they've", "She'd", "'s", "'T", "O'Neil",
                     "rock'n'roll", "I'M", "YOU'RE", "can't", "WON'T", "it\u2019s", "'ſ", "'ll", "'Ve"],
    "chinese": ["你好", "世界", "中文分词", "我们", "今天天气很好", "机器学习", "模型", "。", "，", "！"],
    "japanese": ["こんにちは", "カタカナ", "日本語", "です", "ありがとう", "ｶﾀｶﾅ", "。"],
    "korean": ["안녕하세요", "한국어", "세계", "감사합니다", "\u1100\u1161\u11a8", "\u1112\u1161\u11ab"],
    "arabic": ["مرحبا", "بالعالم", "العربية", "كتاب", "\u0643\u064e\u062a\u064e\u0628\u064e", "١٢٣", "؟"],
    "hebrew": ["שלום", "עולם", "\u05e9\u05c1\u05b8\u05dc\u05d5\u05b9\u05dd"],
    "devanagari": ["नमस्ते", "दुनिया", "हिन्दी", "क्षत्रिय", "\u0915\u093c", "१२३"],
    "thai": ["สวัสดี", "ภาษาไทย", "ครับ", "น้ำ", "๑๒๓"],
    "cyrillic": ["Привет", "мир", "ЁЖИК", "ёлка", "Україна", "ПРИВЕТ'S"],
    "greek": ["Καλημέρα", "κόσμε", "ΑΘΗΝΑ", "ά", "\u03b1\u0301"],
    "emoji": ["😀", "👍🏽", "👨\u200d👩\u200d👧\u200d👦", "🏳️\u200d🌈", "🇫🇷", "❤️", "🧑🏿\u200d💻", "1️⃣", "✋🏻",
              "\U0001f9d1\u200d\U0001f91d\u200d\U0001f9d1"],
    "combining": ["e\u0301", "a\u0308", "A\u030a", "\u212b", "\u2126", "o\u0302\u0323", "n\u0303",
                  "\u0301start", "x\u0336\u0336", "Z\u0351\u0364\u0317", "\u1e9b\u0323", "q\u0307\u0323"],
    "digits": ["0", "7", "42", "123", "1234", "2024", "3.14159", "1,000,000", "٣٤", "０１２", "²", "Ⅻ", "½",
               "00000000", "9876543210"],
    "symbols": ["!", "?", "...", "--", "->", "=>", "::", "#", "@", "$", "%", "&&", "||", "™", "©", "€", "—",
                "«", "»", "\u00ad", "\u200b", "\ufeff", "\x00", "\x07", "\x7f", "<", ">", "|"],
    "spaces": [" ", "  ", "   ", "\t", "\t\t", "\n", "\n\n", "\r\n", "\r", " \n", "\u00a0", "\u3000", "\u2028",
               "\x0b", "\x0c", "\x85", "\u2009", " \t ", "    \n", "\r\n\r\n"],
    "added": ["<|im_start|>", "<|im_end|>", "<|endoftext|>", "<think>", "</think>", "<tool_call>",
              "</tool_call>", "<|begin_of_text|>", "<|eot_id|>", "<mask>", "[END]", "hello", "<sep>", "Å",
              "<|im_start", "im_end|>", "<think", "<|fim_pad|>", "<tool_response>"],
}

CODE = [
    "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n",
    "for (int i = 0; i < 10; ++i) {\n\tprintf(\"%d\\n\", i);\n}\r\n",
    "let xs = [1, 2, 3].map { $0 * 2 } // doubled\n",
    "{\"key\": \"value\", \"n\": 12345, \"list\": [true, false, null]}",
    "SELECT name, COUNT(*) FROM users WHERE age >= 18 GROUP BY name;\n",
    "    \n    x = y  \n\n\n   \tz\t\n",
    "https://example.com/path?query=1&x=%20y#frag",
    "<div class=\"a\">Hello&nbsp;World</div>\n",
    "ERROR 2024-06-01T12:34:56Z [worker-3] timeout after 30s\n",
]


def random_scalar(rng):
    ranges = [(0x20, 0x7e), (0xa0, 0x24f), (0x300, 0x36f), (0x370, 0x3ff), (0x400, 0x4ff), (0x590, 0x6ff),
              (0x900, 0x97f), (0xe00, 0xe7f), (0x1100, 0x11ff), (0x2000, 0x206f), (0x2100, 0x22ff),
              (0x3000, 0x30ff), (0x4e00, 0x9fff), (0xac00, 0xd7a3), (0xff00, 0xffef), (0x1f300, 0x1faff),
              (0x10000, 0x1007f), (0x1d400, 0x1d7ff), (0x20000, 0x2a6df)]
    lo, hi = rng.choice(ranges)
    return chr(rng.randint(lo, hi))


def random_text(rng, pieces):
    kinds = list(WORDS)
    out = []
    for _ in range(pieces):
        roll = rng.random()
        if roll < 0.05:
            out.append(rng.choice(CODE))
        elif roll < 0.12:
            out.append("".join(random_scalar(rng) for _ in range(rng.randint(1, 6))))
        else:
            out.append(rng.choice(WORDS[rng.choice(kinds)]))
        if rng.random() < 0.6:
            out.append(" " if rng.random() < 0.8 else rng.choice(WORDS["spaces"]))
    return "".join(out)


def differential_corpus(rng):
    fixed = ["", " ", "a", "\n", "  leading", "trailing  ", "trailing\n  ", "Hello, world!",
             "<|im_start|>user\nWhat's 2+2?<|im_end|>\n<|im_start|>assistant\n<think>\n</think>4<|im_end|>",
             "don't DON'T Don'T dOn't I'M we'RE they'VE you'LL he'D", "'ſ 'S 'ſhe",
             "12345678901234567890", "x" * 3000, " " * 300 + "x", "\t" * 50, "ab\r\n\r\ncd \r\n ef",
             "  \n\n  \n", "hello hello hellos shello hello_world", " <mask> a  <mask>[END]  b <sep>  c",
             "A\u030a vs \u00c5 vs \u212b", "e\u0301\u0301\u0301", "\u1100\u1161\u11a8",
             "👨\u200d👩\u200d👧\u200d👦👍🏽🇫🇷", "\ufffd\u0000\U0010ffff"]
    texts = list(fixed) + special_token_edges()
    for size in [2] * 1500 + [10] * 1500 + [60] * 800 + [400] * 200:
        texts.append(random_text(rng, rng.randint(1, size)))
    return texts


def special_token_edges():
    """Added tokens where normalization could reach into them: next to
    combining marks (U+0338 after `>` composes to `≯` under NFC), between
    NFC-sensitive sequences, and inside words."""
    tokens = ["<|im_end|>", "<|im_start|>", "<|endoftext|>", "<think>", "</think>", "<tool_call>"]
    marks = ["\u0338", "\u0301", "\u0323\u0302", "\u0308", "\u0338\u0338", "\u20d2"]
    around = ["", "x", "e\u0301", "A\u030a", "\u212b", "\u2126", "=", "<", ">"]
    texts = []
    for token in tokens:
        for mark in marks:
            texts += [token + mark, mark + token, token + mark + "x", "y" + token + mark + token]
        for before in around:
            for after in around:
                texts.append(before + token + after)
        texts += ["hello" + token + "world", "wor" + token + "ld", token[:-1] + "\u0338" + token]
    return texts


def bench_corpus(rng, target=8 * 1024 * 1024):
    """English prose (Python's reference topics), Python source code and generated multilingual text."""
    prose = "\n\n".join(pydoc_data.topics.topics.values())
    code = []
    for path in sorted(glob.glob(os.path.join(sysconfig.get_paths()["stdlib"], "*.py"))):
        with open(path, encoding="utf-8", errors="replace") as f:
            code.append(f.read())
    code = "\n".join(code)
    parts, size = [], 0
    while size < target:
        for chunk in (prose[:3_000_000], code[:3_000_000], random_text(rng, 200_000)):
            parts.append(chunk)
            size += len(chunk.encode("utf-8"))
    data = "".join(parts).encode("utf-8")[:target]
    return data.decode("utf-8", errors="ignore")
