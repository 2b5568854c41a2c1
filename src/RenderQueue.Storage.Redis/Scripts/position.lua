-- GetPositionAsync: rank among ready jobs of the same queue and type (exact, O(log n)), the measured mean
-- duration, and the online workers, from which the caller computes the ETA. arg: id, worker TTL ms.
-- Replies with {} when the job is not queued, else { rank, mean ms or '', queue, type, { worker fields }... }.
local j = load_job(arg(1))
if not j then return not_found() end
if j.state ~= 'queued' then return reply('ok') end
local rank = redis.call('ZRANK', ready_key(j), ready_member(j))
local mean = redis.call('HGET', qk(j.queue, 'durations'), j.type) or ''
local workers = {}
for _, id in ipairs(redis.call('ZRANGEBYSCORE', gk('workers'), int(NOW - tonumber(arg(2))), '+inf')) do
  workers[#workers + 1] = redis.call('HGETALL', gk('worker:' .. id))
end
return reply('ok', { rank, mean, j.queue, j.type, workers })
