#!/usr/bin/env python3
"""transformers' side of compare.sh: writes the benchmark request (a 32-message
Qwen3 conversation with a system prompt, tools, tool calls, tool results and
reasoning), then times `render_jinja_template`, the function
`tokenizer.apply_chat_template(tokenize=False)` calls; its compiled template is
cached, so parsing is not timed. Prints one JSON line.

usage: transformers_peer.py TEMPLATE REQUEST_OUT RENDERING_OUT ROUNDS RENDERS_PER_ROUND
"""
import json
import sys
import time

from transformers.utils.chat_template_utils import _compile_jinja_template, render_jinja_template

WEATHER = {"type": "function", "function": {
    "name": "get_weather", "description": "Current weather for a city.",
    "parameters": {"type": "object", "properties": {"city": {"type": "string"}, "unit": {"type": "string", "enum": ["c", "f"]}},
                   "required": ["city"]}}}


def conversation(turns=32):
    messages = [{"role": "system", "content": "You are a helpful assistant that checks the weather before answering."}]
    for i in range(turns // 3):
        city = ["Oslo", "Rome", "Lima", "Pune", "Kyiv"][i % 5]
        messages.append({"role": "user", "content": f"Question {i}: should I take an umbrella in {city} today? " * 3})
        messages.append({"role": "assistant", "content": "", "reasoning_content": f"The user asks about {city}; check the weather first.",
                         "tool_calls": [{"type": "function", "function": {"name": "get_weather", "arguments": {"city": city, "unit": "c"}}}]})
        messages.append({"role": "tool", "content": json.dumps({"city": city, "rain_probability": 0.1 * (i % 10), "temperature": 12 + i})})
    while len(messages) < turns:
        messages.append({"role": "assistant", "content": "Yes, take one: rain is likely this afternoon."})
    return {"messages": messages[:turns], "tools": [WEATHER], "add_generation_prompt": True, "enable_thinking": True}


def main():
    template_path, request_path, rendering_path, rounds, per_round = sys.argv[1:6]
    source = open(template_path, encoding="utf-8").read()
    request = conversation()
    with open(request_path, "w", encoding="utf-8") as f:
        json.dump(request, f, ensure_ascii=False)
    start = time.perf_counter()
    _compile_jinja_template(source)
    parse_s = time.perf_counter() - start
    kwargs = {k: v for k, v in request.items() if k not in ("messages", "tools", "add_generation_prompt")}

    def render():
        return render_jinja_template(conversations=[request["messages"]], tools=request["tools"], chat_template=source,
                                     add_generation_prompt=True, **kwargs)[0][0]

    text = render()
    with open(rendering_path, "w", encoding="utf-8") as f:
        f.write(text)
    best = float("inf")
    for _ in range(int(rounds)):
        start = time.perf_counter()
        for _ in range(int(per_round)):
            render()
        best = min(best, (time.perf_counter() - start) / int(per_round))
    print(json.dumps({"render_s": best, "parse_s": parse_s, "bytes": len(text.encode())}))


if __name__ == "__main__":
    main()
