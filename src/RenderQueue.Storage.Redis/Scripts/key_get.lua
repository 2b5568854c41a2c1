-- GetApiKeyAsync. arg: id.
local key = redis.call('HGETALL', gk('key:' .. arg(1)))
if #key == 0 then return not_found() end
return reply('ok', key)
