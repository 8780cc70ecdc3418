-- wrk script: POST /retrieve_from_text with the body in the file named by
-- RETRIEVE_BODY (radix.sh writes it: a stored trajectory's prompt + answer).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(assert(os.getenv("RETRIEVE_BODY"), "RETRIEVE_BODY not set"), "rb"))
wrk.body = f:read("*a")
f:close()

dofile("benchmarks/http/summary.lua")
