-- wrk script: POST /generate with a small SGLang-shaped body, and a
-- machine-readable summary line for run.sh (wrk's own text is kept too).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
-- The body lives in request.json so that run.sh's pre-flight check sends the
-- very same bytes. Paths are relative to the repository root (run.sh's cwd).
local f = assert(io.open("benchmarks/http/request.json", "rb"))
wrk.body = (f:read("*a"):gsub("%s+$", ""))
f:close()

-- No response() callback on purpose: defining one makes wrk hand every body
-- to Lua, which would slow the load generator for every peer alike.
-- Non-2xx answers are still counted by wrk in errors.status (any status > 399).

function done(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        'WRK_JSON {"requests":%d,"duration_us":%d,"bytes":%d,'
        .. '"mean_us":%.1f,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,'
        .. '"err_connect":%d,"err_read":%d,"err_write":%d,"err_status":%d,"err_timeout":%d}\n',
        summary.requests, summary.duration, summary.bytes,
        latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
        e.connect, e.read, e.write, e.status, e.timeout))
end
