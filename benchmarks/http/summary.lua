-- A machine-readable summary line after wrk's own text, for the benchmark
-- scripts (benchmarks/http/*.sh). Loaded by each wrk script of this folder.
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

-- WRK_STOP_AFTER=N: the thread stops once N requests are answered, and
-- touches WRK_STOP_FILE so that the caller interrupts wrk at once (its main
-- thread would otherwise sleep out -d). instructions.sh measures a fixed
-- number of requests, so that two builds are compared on a radix cache that
-- grew alike, whatever the machine's speed.
local stop_after = tonumber(os.getenv("WRK_STOP_AFTER") or "")
local stop_file = os.getenv("WRK_STOP_FILE")
if stop_after then
    local answered = 0
    function response(status, headers, body)
        answered = answered + 1
        if answered == stop_after then
            if stop_file then io.open(stop_file, "w"):close() end
            wrk.thread:stop()
        end
    end
end
