-- wrk script: POST /generate as a rollout sends it, text through the radix
-- cache: a shared system prompt of about 1 KB, then a user turn of its own
-- for every request (a counter that starts at the first script argument,
-- so that a warm-up and the measured run never send the same turn).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

local system = string.rep("You are a careful assistant for grade-school arithmetic. "
    .. "Read the question, reason step by step, keep every number exact, "
    .. "and end with the final answer on a line of its own. ", 6)
local prefix = '{"text":"<|im_start|>system\\n' .. system .. '<|im_end|>\\n<|im_start|>user\\nQuestion '
local suffix = '<|im_end|>\\n<|im_start|>assistant\\n","sampling_params":{"max_new_tokens":16,"temperature":0.0}}'
local counter = 0

function init(args)
    counter = tonumber(args[1]) or 0
end

function request()
    counter = counter + 1
    return wrk.format(nil, nil, nil, prefix .. counter .. ": what is " .. counter .. " times 7?" .. suffix)
end

dofile("benchmarks/http/summary.lua")
