-- wrk script for bench.py: one request shape per run, from the environment, and one JSON line
-- of figures at the end. A response whose status is not the expected one (e.g. a screener POST
-- that did not end in its 302 to the result page) is counted as unexpected, so bench.py can
-- count only the requests that did what a patient needed.
--
--   WRK_METHOD   GET (default) or POST
--   WRK_BODY     the request body (form-encoded), for POST
--   WRK_COOKIE   the Cookie header, if any
--   WRK_EXPECT   the expected status (default 200)

local expected = tonumber(os.getenv("WRK_EXPECT") or "200")

wrk.method = os.getenv("WRK_METHOD") or "GET"
local body = os.getenv("WRK_BODY")
if body and body ~= "" then
  wrk.body = body
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
local cookie = os.getenv("WRK_COOKIE")
if cookie and cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
  first_unexpected = 0
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
    if first_unexpected == 0 then
      first_unexpected = status
    end
  end
end

function done(summary, latency, requests)
  local bad, example = 0, 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
    local status = thread:get("first_unexpected")
    if example == 0 and status ~= 0 then
      example = status
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "unexpected": %d, "unexpected_status": %d, '
      .. '"socket_errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, bad, example,
    errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max
  ))
end
