-- Takes the leader role when nobody holds it. Standalone: not prefixed with common.lua.
-- KEYS[1] the role ("<token> <node>" while held, expiring), KEYS[2] the fencing-token counter (never expires).
-- ARGV[1] the node asking, ARGV[2] the lease in ms.
-- Answers { token, '' } when the role was taken, { 0, "<token> <node>" } when another term holds it.
-- SET NX PX takes the role; the counter is INCRed only then, so every term's token is larger than the last.
local token = tonumber(redis.call('GET', KEYS[2]) or '0') + 1
if not redis.call('SET', KEYS[1], token .. ' ' .. ARGV[1], 'NX', 'PX', ARGV[2]) then
  return { 0, redis.call('GET', KEYS[1]) }
end
redis.call('INCR', KEYS[2])
return { token, '' }
