-- wrk script: GET a path with a different pre-signed Authorization header on every request.
-- Each wrk thread takes every k-th line (k = thread count) so no signature is sent twice.
local headers_file = os.getenv("SIGNED_HEADERS")
local path = os.getenv("SIGNED_PATH") or "/senderid/v1/numbers/active"
local threads = {}
local counter = 0

function setup(thread)
  thread:set("index", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local nthreads = counter  -- not visible here; read from the env instead
  local k = tonumber(os.getenv("WRK_THREADS") or "1")
  lines = {}
  local i = 0
  for line in io.lines(headers_file) do
    if i % k == index then table.insert(lines, line) end
    i = i + 1
  end
  next_line = 1
  exhausted = 0
end

function request()
  local h = lines[next_line]
  if h == nil then
    exhausted = exhausted + 1
    h = lines[1]
  else
    next_line = next_line + 1
  end
  return wrk.format("GET", path, {["Authorization"] = h})
end

function response(status, headers, body)
  if status ~= 200 then
    errors = (errors or 0) + 1
  end
end

function done(summary, latency, requests)
  for _, t in ipairs(threads) do
    local e = t:get("errors") or 0
    local x = t:get("exhausted") or 0
    if e > 0 or x > 0 then
      io.write(string.format("thread non-200: %d, header file exhausted: %d\n", e, x))
    end
  end
end
