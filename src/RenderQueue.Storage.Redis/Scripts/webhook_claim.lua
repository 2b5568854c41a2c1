-- ClaimWebhookDeliveriesAsync: due pending deliveries, oldest due first, each pushed claim ms into the future.
-- arg: max, claim ms. Replies { fields, attempts } per delivery.
local claimed = {}
local until_ms = NOW + tonumber(arg(2))
for _, id in ipairs(redis.call('ZRANGEBYSCORE', gk('wh:due'), '-inf', NOW, 'LIMIT', 0, tonumber(arg(1)))) do
  local key = gk('wh:d:' .. id)
  redis.call('ZADD', gk('wh:due'), until_ms, id)
  redis.call('HSET', key, 'next', int(until_ms))
  claimed[#claimed + 1] = { redis.call('HGETALL', key), redis.call('LRANGE', key .. ':att', 0, -1) }
end
return reply('ok', claimed)
