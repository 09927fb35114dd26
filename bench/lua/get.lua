-- A fixed GET (scenarios 4 and 5). args: path, token (optional bearer), expect (status),
-- body_has (optional: a plain substring every good answer contains, e.g. GVP's StatusCode 0
-- since GVP answers its own errors with HTTP 200).
local req
local want, needle

function on_init()
  want = tonumber(A.expect or "200")
  needle = A.body_has
  if A.token then wrk.headers["Authorization"] = "Bearer " .. A.token end
  req = wrk.format("GET", A.path)
end

function request()
  return req
end

function on_response(status, headers, body)
  if status ~= want then return false end
  if needle and not (body and body:find(needle, 1, true)) then return false end
  return true
end
