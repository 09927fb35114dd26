-- Scenario 2: POST a register with a new order number on every request.
-- args: path, base (order numbers of this run start above it), body (a JSON template with one
-- %d for the order number, written by bench/bodies.py).
local n = 0
local first

function on_init()
  EXPECTED = expect_status(201)
  wrk.headers["Authorization"] = "Bearer " .. (A.token or "hl-demo-token")
  wrk.headers["Content-Type"] = "application/json"
  -- each thread owns a disjoint range of a billion order numbers
  first = tonumber(A.base) + thread_id * 1000000000
end

function request()
  n = n + 1
  return wrk.format("POST", A.path, nil, string.format(A.body, first + n))
end
