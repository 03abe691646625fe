-- wrk script for bench/run.sh: prepared requests, and p50/p95/p99 in a line the script parses.
--
-- BENCH_REQUESTS: a file of prepared requests (bench/pools.py), one per line:
--   method <TAB> path <TAB> session cookie <TAB> form body <TAB> Accept
-- Each wrk thread takes every n-th line (BENCH_WRK_THREADS = wrk -t), so no two threads send the same
-- request. BENCH_ONCE=1: each line is sent once (a start or a submit needs a fresh consultant); when a
-- thread runs out, it asks for a path that answers 404, so exhaustion shows as errors, never as speed.
-- Without BENCH_REQUESTS, wrk sends its usual request (the URL and -H headers).

local counter = 0
local threads = {}

function setup(thread)
    counter = counter + 1
    thread:set("id", counter)
    threads[counter] = thread
end

local requests_file = os.getenv("BENCH_REQUESTS") or ""

if requests_file ~= "" then
    function init(args)
        local nthreads = tonumber(os.getenv("BENCH_WRK_THREADS") or "1")
        reqs, i, once = {}, 0, os.getenv("BENCH_ONCE") == "1"
        local n = 0
        for line in io.lines(requests_file) do
            n = n + 1
            if (n - id) % nthreads == 0 then
                local method, path, cookie, body, accept =
                    line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)\t([^\t]*)$")
                local headers = { ["Cookie"] = "session=" .. cookie, ["User-Agent"] = "observer-school-bench" }
                if body ~= "" then headers["Content-Type"] = "application/x-www-form-urlencoded" end
                if accept ~= "" then headers["Accept"] = accept end
                reqs[#reqs + 1] = wrk.format(method, path, headers, body ~= "" and body or nil)
            end
        end
        exhausted = wrk.format("GET", "/bench-pool-exhausted", { ["User-Agent"] = "observer-school-bench" })
    end

    codes = {}

    -- wrk counts a 3xx as a success: count every status, so a redirect to /login cannot pass unseen
    function response(status, headers, body)
        codes[status] = (codes[status] or 0) + 1
    end

    function request()
        i = i + 1
        if i > #reqs then
            if once then return exhausted end
            i = 1
        end
        return reqs[i]
    end
end

function done(summary, latency, requests)
    local total = {}
    for _, thread in ipairs(threads) do
        for status, n in pairs(thread:get("codes") or {}) do total[status] = (total[status] or 0) + n end
    end
    local parts = {}
    for status, n in pairs(total) do parts[#parts + 1] = status .. "=" .. n end
    table.sort(parts)
    if #parts > 0 then io.write("BENCH_STATUS " .. table.concat(parts, " ") .. "\n") end
    io.write(string.format("BENCH_LATENCY p50=%.2f p95=%.2f p99=%.2f\n",
        latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
