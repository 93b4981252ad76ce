-- wrk script: every request signs the petition with a new address.
-- CSRF_TOKEN and CSRF_COOKIE come from the environment (one GET before the run).
local token = os.getenv("CSRF_TOKEN")
local cookie = os.getenv("CSRF_COOKIE")
local referer = os.getenv("REFERER")
local prefix = os.getenv("EMAIL_PREFIX") or "bench"
local threads = {}
local counter = 0
-- thread_id is set per thread by setup() through thread:set().

function setup(thread)
   thread:set("thread_id", #threads + 1)
   table.insert(threads, thread)
end

function request()
   counter = counter + 1
   local body = "csrfmiddlewaretoken=" .. token
      .. "&name=Bench+Signer&zip_code=60608&website="
      .. "&email=" .. prefix .. "-" .. thread_id .. "-" .. counter .. "%40example.org"
   return wrk.format("POST", nil, {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = "csrftoken=" .. cookie,
      ["Referer"] = referer,
   }, body)
end

function done(summary, latency, requests)
   io.write(string.format("BENCH completed=%d errors_status=%d errors_other=%d p50_us=%d p99_us=%d duration_us=%d\n",
      summary.requests, summary.errors.status,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      latency:percentile(50), latency:percentile(99), summary.duration))
end
