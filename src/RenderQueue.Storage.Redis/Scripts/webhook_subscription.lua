-- GetWebhookSubscriptionAsync. arg: id.
local subscription = redis.call('HGETALL', gk('wh:sub:' .. arg(1)))
if #subscription == 0 then return not_found() end
return reply('ok', subscription)
