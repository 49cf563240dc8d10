-- 3-line orders, each with its own idempotency key, sent with the API key in $ORDERLY_API_KEY.
local counter = 0
local thread_id = 0
local threads = {}
function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end
function init(args)
  counter = 0
end
local body = [[{"channel":"web","customer":{"id":"C1","name":"张三","phone":"13800138000"},"shipping_address":{"recipient":"张三","phone":"13800138000","province":"浙江省","city":"杭州市","district":"西湖区","street":"文三路 100 号"},"lines":[{"sku":"TEA-001","quantity":1},{"sku":"CUP-001","quantity":1},{"sku":"SNK-001","quantity":1}],"payment_method":"alipay"}]]
local authorization = "Bearer " .. (os.getenv("ORDERLY_API_KEY") or "")
-- Keys unique to this run: Lua's random numbers are the same in every wrk process,
-- so keys made from them repeated the warm-up run's (its requests came back as
-- replays, and one still in flight as 409 idempotency-request-in-progress).
local run = os.getenv("ORDERLY_BENCH_RUN") or tostring(os.time())
function request()
  counter = counter + 1
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = authorization, ["Idempotency-Key"] = "bench-" .. run .. "-" .. tid .. "-" .. counter}
  return wrk.format("POST", "/v1/orders", headers, body)
end
function done(summary, latency, requests)
  local statuses = summary.errors.status
  io.write(string.format("non-2xx: %d, socket errors: connect %d read %d write %d timeout %d\n", statuses, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", latency:percentile(50)/1000, latency:percentile(99)/1000, latency.max/1000))
end
