-- RevokeApiKeyAsync: the first revocation's time is kept. arg: id.
local key = gk('key:' .. arg(1))
if redis.call('EXISTS', key) == 0 then return not_found() end
redis.call('HSETNX', key, 'revoked', ARGV[2])
return reply('ok', redis.call('HGETALL', key))
