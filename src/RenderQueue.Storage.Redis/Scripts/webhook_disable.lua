-- DisableWebhookSubscriptionAsync: the first disabling wins. arg: id, reason.
local key = gk('wh:sub:' .. arg(1))
if redis.call('EXISTS', key) == 0 then return not_found() end
if redis.call('HSETNX', key, 'disabled', ARGV[2]) == 1 then redis.call('HSET', key, 'disabled_reason', arg(2)) end
return reply('ok', redis.call('HGETALL', key))
