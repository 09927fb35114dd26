-- Scenario 1: GET /purchase/info for one completed order (args: path, order, token).
-- With lo/hi instead of order, each request asks for a random order in [lo, hi].
local fixed

function on_init()
  EXPECTED = expect_status(200)
  wrk.headers["Authorization"] = "Bearer " .. (A.token or "hl-demo-token")
  if A.order then
    fixed = wrk.format("GET", (A.path or "/purchase/info") .. "?order_id=" .. A.order)
  else
    math.randomseed(tonumber(A.seed or "1") + thread_id)
  end
end

function request()
  if fixed then return fixed end
  local id = math.random(tonumber(A.lo), tonumber(A.hi))
  return wrk.format("GET", (A.path or "/purchase/info") .. "?order_id=" .. string.format("%d", id))
end
