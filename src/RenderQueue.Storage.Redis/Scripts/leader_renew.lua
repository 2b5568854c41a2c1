-- Extends the leader lease, only for the term that holds it. Standalone: not prefixed with common.lua.
-- KEYS[1] the role. ARGV[1] the term's value "<token> <node>", ARGV[2] the lease in ms.
-- Answers 1 when renewed, 0 when the role expired or belongs to a newer term.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
