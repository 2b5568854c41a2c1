-- ReapAsync: expired leases are requeued or failed (JobLifecycle.Expire); attempts running past their
-- timeout plus the grace are failed (JobLifecycle.TimeOut). arg: max, grace ms. Replies with the count.
local max = tonumber(arg(1))
local count = 0
for _, id in ipairs(redis.call('ZRANGEBYSCORE', gk('leases'), '-inf', '(' .. ARGV[2], 'LIMIT', 0, max)) do
  expire_job(load_job(id))
  count = count + 1
end
local horizon = int(NOW - tonumber(arg(2)))
for _, id in ipairs(redis.call('ZRANGEBYSCORE', gk('deadlines'), '-inf', '(' .. horizon, 'LIMIT', 0, max)) do
  time_out_job(load_job(id))
  count = count + 1
end
publish()
return reply('ok', count)
