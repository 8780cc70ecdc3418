#!/usr/bin/env python3
"""Differential oracle for the Swift chat-template engine (Tests/ChatTemplateTests).

Renders every (template, request) pair with transformers' own chat-template
code, the function `tokenizer.apply_chat_template(tokenize=False)` calls.

usage: chat_template_oracle.py INPUT.json OUTPUT.json
  INPUT   {"templates": {name: source}, "requests": [request, ...]}
          a request is {"messages", "tools"?, "documents"?, "add_generation_prompt"?, ...kwargs}
  OUTPUT  {name: {"compile_error": message}
                 | {"results": [{"text": rendered} | {"error": message}, ...]}}
"""
import json
import sys

from transformers.utils.chat_template_utils import _compile_jinja_template, render_jinja_template


def render(source, request):
    request = dict(request)
    messages = request.pop("messages")
    tools = request.pop("tools", None)
    documents = request.pop("documents", None)
    add_generation_prompt = request.pop("add_generation_prompt", False)
    rendered, _ = render_jinja_template(conversations=[messages], tools=tools, documents=documents,
                                        chat_template=source, add_generation_prompt=add_generation_prompt, **request)
    return rendered[0]


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        job = json.load(f)
    answers = {}
    for name, source in job["templates"].items():
        try:
            _compile_jinja_template(source)
        except Exception as error:
            answers[name] = {"compile_error": f"{type(error).__name__}: {error}"}
            continue
        results = []
        for request in job["requests"]:
            try:
                results.append({"text": render(source, request)})
            except Exception as error:
                results.append({"error": f"{type(error).__name__}: {error}"})
        answers[name] = {"results": results}
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(answers, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
