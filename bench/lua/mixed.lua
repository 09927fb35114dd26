-- Memory soak: alternately scenario 1 (info of one order) and scenario 2 (a new sandbox
-- register); with budget=N each thread stops after N answers. args: order, base, body, path.
local n = 0
local first, info

function on_init()
  wrk.headers["Authorization"] = "Bearer hl-demo-token"
  wrk.headers["Content-Type"] = "application/json"
  first = tonumber(A.base) + thread_id * 1000000000
  info = wrk.format("GET", "/purchase/info?order_id=" .. A.order)
end

function request()
  n = n + 1
  if n % 2 == 1 then return info end
  return wrk.format("POST", A.path, nil, string.format(A.body, first + n))
end

function on_response(status, headers, body)
  return status == 200 or status == 201
end
