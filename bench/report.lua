-- wrk script for plain GETs: prints the same BENCH line as petition.lua.
function done(summary, latency, requests)
   io.write(string.format("BENCH completed=%d errors_status=%d errors_other=%d p50_us=%d p99_us=%d duration_us=%d\n",
      summary.requests, summary.errors.status,
      summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
      latency:percentile(50), latency:percentile(99), summary.duration))
end
