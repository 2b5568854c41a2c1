-- DeleteWebhookSubscriptionAsync: pending deliveries stay for the dispatcher to fail. arg: id. Replies 1 or 0.
local removed = redis.call('ZREM', gk('wh:subs'), arg(1))
redis.call('DEL', gk('wh:sub:' .. arg(1)))
return reply('ok', removed)
