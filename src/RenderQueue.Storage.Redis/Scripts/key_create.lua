-- CreateApiKeyAsync: stores a key's hash under its id (P:key:<id>, listed in P:keys by creation time).
-- arg: id, name, role, hash. Refuses an id that exists.
local key = gk('key:' .. arg(1))
if redis.call('EXISTS', key) == 1 then return reply('exists') end
redis.call('HSET', key, 'id', arg(1), 'name', arg(2), 'role', arg(3), 'hash', arg(4), 'created', ARGV[2])
redis.call('ZADD', gk('keys'), NOW, arg(1))
return reply('ok', redis.call('HGETALL', key))
