-- Shared by every scenario (prepended by bench/wrk.py): arguments, per-status counts, an
-- optional request budget, and one machine-readable result line printed by done().
-- A scenario defines on_init() and request(), optionally on_response(status, headers, body).

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_id", counter)
  table.insert(threads, thread)
end

A = {}
statuses = {}
bad = 0       -- responses the scenario did not expect (counted as errors)
flows = 0     -- completed multi-step flows (scenario 3)
answered = 0
budget = nil  -- stop this thread after this many responses (args: budget=N, per thread)

function init(args)
  for _, arg in ipairs(args) do
    local k, v = arg:match("^([^=]+)=(.*)$")
    if k then A[k] = v end
  end
  if A.budget then budget = tonumber(A.budget) end
  if on_init then on_init() end
end

function expect_status(...)
  local ok = {}
  for _, s in ipairs({...}) do ok[s] = true end
  return ok
end

EXPECTED = nil  -- a set of statuses; anything else is an error

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  answered = answered + 1
  if on_response then
    if not on_response(status, headers, body) then bad = bad + 1 end
  elseif EXPECTED and not EXPECTED[status] then
    bad = bad + 1
  end
  if budget and answered >= budget then wrk.thread:stop() end
end

local function encode(value)
  local kind = type(value)
  if kind == "table" then
    local parts = {}
    for k, v in pairs(value) do
      table.insert(parts, string.format("%q:%s", tostring(k), encode(v)))
    end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif kind == "number" then
    return string.format("%.3f", value)
  elseif kind == "string" then
    return string.format("%q", value)
  end
  return "null"
end

function done(summary, latency, requests)
  local codes, total_bad, total_flows = {}, 0, 0
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("statuses") or {}) do codes[k] = (codes[k] or 0) + v end
    total_bad = total_bad + (t:get("bad") or 0)
    total_flows = total_flows + (t:get("flows") or 0)
  end
  local e = summary.errors
  io.write("BENCH_JSON ", encode({
    requests = summary.requests, duration_us = summary.duration,
    socket_errors = e.connect + e.read + e.write + e.timeout, timeouts = e.timeout,
    unexpected = total_bad, flows = total_flows, statuses = codes,
    p50_us = latency:percentile(50), p90_us = latency:percentile(90),
    p99_us = latency:percentile(99), max_us = latency.max, mean_us = latency.mean,
  }), "\n")
end
