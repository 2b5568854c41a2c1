-- Gives the leader role up, only for the term that holds it, so another node can take it at once.
-- Standalone: not prefixed with common.lua. KEYS[1] the role. ARGV[1] the term's value "<token> <node>".
-- Answers 1 when released, 0 when the role had already expired or belongs to a newer term.
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
