-- Scenario 3: the whole live HL Connect purchase, one step per request on each connection:
-- validate -> register (with the token just issued) -> info -> info -> download-url.
-- Run with as many threads as connections so each thread drives exactly one flow at a time.
local step = 1
local n = 0
local first, order, token

function on_init()
  wrk.headers["Authorization"] = "Bearer " .. (A.token or "hl-demo-token")
  wrk.headers["Content-Type"] = "application/json"
  first = tonumber(A.base) + thread_id * 1000000000
end

function request()
  if step == 1 then
    return wrk.format("POST", "/purchase/validate-purchase-before-payment", nil,
      '{"asset_id":1000001,"customer_ip":"192.0.2.10","quantity":1}')
  elseif step == 2 then
    n = n + 1
    order = string.format("%d", first + n)
    return wrk.format("POST", "/purchase/register", nil, string.format(
      '{"token":"%s","order_number":%s,"order_line_id":1,"line_item_price":4.99,' ..
      '"unit_price":4.99,"customer":"bench"}', token, order))
  elseif step == 3 or step == 4 then
    return wrk.format("GET", "/purchase/info?order_id=" .. order)
  end
  return wrk.format("GET", "/purchase/download-url?order_id=" .. order .. "&order_line_id=1")
end

local want = {200, 201, 200, 200, 200}

function on_response(status, headers, body)
  if status ~= want[step] then step = 1; return false end
  if step == 1 then
    token = body:match('"token"%s*:%s*"([^"]+)"')
    if not token then return false end
  end
  if step == 5 then flows = flows + 1; step = 1 else step = step + 1 end
  return true
end
