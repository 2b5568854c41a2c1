-- ListApiKeysAsync: every key, oldest first.
local keys = {}
for _, id in ipairs(redis.call('ZRANGE', gk('keys'), 0, -1)) do
  keys[#keys + 1] = redis.call('HGETALL', gk('key:' .. id))
end
return reply('ok', keys)
