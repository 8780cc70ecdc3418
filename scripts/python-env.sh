# Sourced (from the repository root) by every script that runs Python with
# PyPI packages: puts the project's virtual environment first on PATH, so
# `python3`, its pip and the tools pip installed (sglang-router) are the
# environment's. scripts/setup.sh makes it: Debian 12's own python3 refuses
# `pip install` outside a virtual environment (PEP 668).
if [ -x .venv/bin/python3 ]; then
    PATH="$PWD/.venv/bin:$PATH"
    export PATH
fi
