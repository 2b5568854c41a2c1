-- CreateWebhookSubscriptionAsync. arg: id, url, queue or '', events (comma-separated), secret, description or ''.
local key = gk('wh:sub:' .. arg(1))
if redis.call('EXISTS', key) == 1 then return reply('exists') end
redis.call('HSET', key, 'id', arg(1), 'url', arg(2), 'events', arg(4), 'secret', arg(5), 'created', ARGV[2])
if arg(3) ~= '' then redis.call('HSET', key, 'queue', arg(3)) end
if arg(6) ~= '' then redis.call('HSET', key, 'desc', arg(6)) end
redis.call('ZADD', gk('wh:subs'), NOW, arg(1))
return reply('ok', redis.call('HGETALL', key))
