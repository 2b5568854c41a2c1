-- RecordWebhookAttemptAsync: appends the attempt (when one was made) and, while the delivery is pending, applies
-- the outcome. arg: id, attempt JSON or '', state (pending|delivered|failed), retry at ms or '', reason or ''.
local key = gk('wh:d:' .. arg(1))
if redis.call('EXISTS', key) == 0 then return not_found() end
if arg(2) ~= '' then redis.call('RPUSH', key .. ':att', arg(2)) end
if redis.call('HGET', key, 'state') == 'pending' then
  if arg(3) == 'pending' then
    redis.call('HSET', key, 'next', arg(4))
    redis.call('ZADD', gk('wh:due'), tonumber(arg(4)), arg(1))
  else
    redis.call('HSET', key, 'state', arg(3), 'finished', ARGV[2])
    redis.call('HDEL', key, 'next')
    if arg(5) ~= '' then redis.call('HSET', key, 'reason', arg(5)) end
    redis.call('ZREM', gk('wh:due'), arg(1))
    redis.call('ZADD', gk('wh:done'), NOW, arg(1))
  end
end
return reply('ok', { redis.call('HGETALL', key), redis.call('LRANGE', key .. ':att', 0, -1) })
