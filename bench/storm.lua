-- wrk script for the storm after a rally alert (bench/bench_pages.py --storm):
-- GETs spread evenly over the pages in STORM_GETS (space-separated paths) and a
-- share POST_SHARE of RSVP POSTs to RSVP_PATH, each with a new address.
-- CSRF_TOKEN and CSRF_COOKIE come from one GET of the RSVP form before the run.
-- Counts answers by status and by the page cache's X-Page-Cache header, the places
-- fragment's (the body starts with FRAGMENT_START) apart from the pages'.
local gets = {}
for path in string.gmatch(os.getenv("STORM_GETS") or "/", "%S+") do
   table.insert(gets, path)
end
local rsvp_path = os.getenv("RSVP_PATH")
local post_share = tonumber(os.getenv("POST_SHARE") or "0")
local token = os.getenv("CSRF_TOKEN")
local cookie = os.getenv("CSRF_COOKIE")
local run_id = os.getenv("RUN_ID") or "storm"
local fragment_start = os.getenv("FRAGMENT_START") or "<div class=\"rsvp-state\""
local threads = {}

function setup(thread)
   thread:set("thread_id", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   math.randomseed(thread_id * 7919 + os.time())
   counter = 0
   posts, posts_ok, other_status = 0, 0, 0
   hit, stale, miss, none = 0, 0, 0, 0
   places_hit, places_stale, places_miss = 0, 0, 0
end

function request()
   if post_share > 0 and math.random() < post_share then
      counter = counter + 1
      posts = posts + 1
      local body = "csrfmiddlewaretoken=" .. token .. "&name=Ana+Storm&website="
         .. "&email=storm-" .. run_id .. "-" .. thread_id .. "-" .. counter
         .. "%40example.org"
      return wrk.format("POST", rsvp_path, {
         ["Content-Type"] = "application/x-www-form-urlencoded",
         ["Cookie"] = "csrftoken=" .. cookie,
      }, body)
   end
   return wrk.format("GET", gets[math.random(#gets)])
end

function response(status, headers, body)
   -- An accepted RSVP is the only redirect in the mix (to its "sent" page); a
   -- refused one shows up among the answers that are not 200.
   if status == 303 then posts_ok = posts_ok + 1 return end
   if status ~= 200 then other_status = other_status + 1 end
   local label = headers["X-Page-Cache"] or headers["x-page-cache"]
   if string.sub(body, 1, #fragment_start) == fragment_start then
      if label == "hit" then places_hit = places_hit + 1
      elseif label == "stale" then places_stale = places_stale + 1
      else places_miss = places_miss + 1 end
      return
   end
   if label == "hit" then hit = hit + 1
   elseif label == "stale" then stale = stale + 1
   elseif label == "miss" then miss = miss + 1
   else none = none + 1 end
end

function done(summary, latency, requests)
   local totals = {posts = 0, posts_ok = 0, other_status = 0, hit = 0, stale = 0,
                   miss = 0, none = 0, places_hit = 0, places_stale = 0,
                   places_miss = 0}
   for _, thread in ipairs(threads) do
      for name, _ in pairs(totals) do
         totals[name] = totals[name] + (thread:get(name) or 0)
      end
   end
   io.write(string.format(
      "STORM completed=%d errors_status=%d errors_other=%d p50_us=%d p99_us=%d "
      .. "duration_us=%d posts=%d posts_ok=%d not_ok=%d hit=%d stale=%d miss=%d none=%d "
      .. "places_hit=%d places_stale=%d places_miss=%d\n",
      summary.requests, summary.errors.status,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      latency:percentile(50), latency:percentile(99), summary.duration,
      totals.posts, totals.posts_ok, totals.other_status, totals.hit, totals.stale,
      totals.miss, totals.none, totals.places_hit, totals.places_stale,
      totals.places_miss))
end
