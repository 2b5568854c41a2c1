-- ListAsync: newest first. Each requested state is read from its queue's index ((queue, state) or (queue, type,
-- state), scored by seq), of every queue when none is asked for, and the ranges are merged, so a page costs
-- O(queues · states · (log n + limit)). arg: before seq ('' = from the newest), count (limit + 1), queue or '',
-- type or '', states (JSON; empty = all). Replies with { seqs..., } and the jobs of the first count - 1.
local before = arg(1) == '' and '+inf' or ('(' .. arg(1))
local count = tonumber(arg(2))
local queue, jtype = arg(3), arg(4)
local states = cjson.decode(arg(5))

local found = {}
local function range(key)
  local page = redis.call('ZREVRANGEBYSCORE', key, before, '-inf', 'WITHSCORES', 'LIMIT', 0, count)
  for k = 1, #page, 2 do found[#found + 1] = { id = page[k], seq = tonumber(page[k + 1]) } end
end

if #states == 0 and queue == '' and jtype == '' then
  range(gk('all'))
else
  if #states == 0 then states = STATES end
  local queues = queue ~= '' and { queue } or redis.call('SMEMBERS', gk('queues'))
  local done = {}
  for _, state in ipairs(states) do
    if not done[state] then
      done[state] = true
      for _, q in ipairs(queues) do
        range(jtype ~= '' and qk(q, 'type:' .. jtype .. ':state:' .. state) or qk(q, 'state:' .. state))
      end
    end
  end
  table.sort(found, function(a, b) return a.seq > b.seq end)
end

local seqs, jobs = {}, {}
for k = 1, math.min(count, #found) do
  seqs[k] = int(found[k].seq)
  if k < count then jobs[k] = flatten(load_job(found[k].id)) end
end
return reply('ok', { seqs, jobs })
