-- ListWebhookSubscriptionsAsync: every subscription, oldest first.
local subscriptions = {}
for _, id in ipairs(redis.call('ZRANGE', gk('wh:subs'), 0, -1)) do
  subscriptions[#subscriptions + 1] = redis.call('HGETALL', gk('wh:sub:' .. id))
end
return reply('ok', subscriptions)
