# Sourced by the scripts of benchmarks/http after benchmarks/lib/common.sh.

# start_nginx NAME TEMPLATE CORE PORT UPSTREAM_PORT BODY: nginx on CORE from
# a template (@DIR@, @PORT@, @UPSTREAM_PORT@ and @BODY@ filled in), in
# $work/NAME; leaves started_pid set.
start_nginx() {
    local name=$1 template=$2 core=$3 port=$4 upstream_port=$5 body=$6 dir="$work/$1"
    mkdir -p "$dir"
    chmod 755 "$work"   # nginx workers run as nobody when started by root
    python3 - "$template" "$dir/nginx.conf" "$dir" "$port" "$upstream_port" "$body" <<'PY'
import sys
template, out, d, port, upstream_port, body = sys.argv[1:]
text = open(template).read()
for key, value in {"DIR": d, "PORT": port, "UPSTREAM_PORT": upstream_port, "BODY": body}.items():
    text = text.replace(f"@{key}@", value)
open(out, "w").write(text)
PY
    taskset -c "$core" nginx -e "$dir/error.log" -p "$dir" -c "$dir/nginx.conf" >"$work/$name.log" 2>&1 &
    started_pid=$!
}

# minified_json FILE: the JSON in FILE on one line, as an upstream sends it.
minified_json() {
    python3 -c 'import json, sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",", ":")))' "$1"
}
