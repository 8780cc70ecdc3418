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

dofile("benchmarks/http/summary.lua")
