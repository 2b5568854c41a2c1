-- LeaseAsync: picks up to max_jobs ready jobs and moves them to running (LeaseSelector in SQLite).
-- Each (queue, type) the worker serves is a sorted set of ready jobs in lease order; the sets are read a
-- page at a time and merged by (priority desc, the queue's fair-share pass, seq asc: share_before in
-- fair_share.lua), each head checked against the worker's capabilities and its queue's cap, at most scan_limit
-- candidates in all. When the first job chosen has a batch key, the rest
-- of the lease is filled only with jobs of that batch (same queue, submit order).
-- arg: worker, lease ms, max jobs, scan limit, labels (JSON), models (JSON, upper-cased), free VRAM or '',
--      types (JSON), queues (JSON; empty = every queue).
local PAGE = 16
local worker, lease_ms, max_jobs, scan_limit = arg(1), tonumber(arg(2)), tonumber(arg(3)), tonumber(arg(4))
local labels, models, types = {}, {}, {}
for _, label in ipairs(cjson.decode(arg(5))) do labels[label] = true end
for _, model in ipairs(cjson.decode(arg(6))) do models[model] = true end
local free_vram = tonumber(arg(7))
local type_list = cjson.decode(arg(8))
for _, t in ipairs(type_list) do types[t] = true end
local wanted = cjson.decode(arg(9))

local function meets(req_labels, req_models, req_vram)
  if req_labels then
    for _, label in ipairs(cjson.decode(req_labels)) do if not labels[label] then return false end end
  end
  if req_models then
    for _, model in ipairs(cjson.decode(req_models)) do if not models[model] then return false end end
  end
  if req_vram then return free_vram ~= nil and free_vram >= tonumber(req_vram) end
  return true
end

local function advance(stream)
  if stream.i > #stream.buffer then
    if stream.exhausted then stream.current = nil; return false end
    local page = redis.call('ZRANGE', stream.key, stream.offset, stream.offset + PAGE - 1, 'WITHSCORES')
    stream.buffer, stream.i, stream.offset = {}, 1, stream.offset + PAGE
    for k = 1, #page, 2 do
      stream.buffer[#stream.buffer + 1] = {
        seq = tonumber(string.sub(page[k], 1, 16)), id = string.sub(page[k], 18), score = tonumber(page[k + 1]) }
    end
    stream.exhausted = #stream.buffer < PAGE
    if #stream.buffer == 0 then stream.current = nil; return false end
  end
  stream.current = stream.buffer[stream.i]
  stream.i = stream.i + 1
  return true
end

local queues, seen = {}, {}
for _, queue in ipairs(#wanted == 0 and redis.call('SMEMBERS', gk('queues')) or wanted) do
  if not seen[queue] then
    seen[queue] = true
    local info = redis.call('HMGET', qk(queue, 'queue'), 'paused', 'queued', 'running', 'max_running', 'weight', 'pass')
    if info[1] ~= '1' and tonumber(info[2] or '0') > 0 and share_add(queue, info[3], info[4], info[5], info[6]) then
      queues[#queues + 1] = queue
    end
  end
end
share_begin(#queues)

local streams = {}
if max_jobs >= 1 then
  for _, queue in ipairs(queues) do
    for _, t in ipairs(type_list) do
      local stream = { key = qk(queue, 'ready:' .. t), queue = queue, offset = 0, buffer = {}, i = 1, exhausted = false }
      if advance(stream) then streams[#streams + 1] = stream end
    end
  end
end

local chosen, chosen_queue, scanned, batch, batch_queue = {}, {}, 0, nil, nil
while #chosen < max_jobs and scanned < scan_limit do
  local best
  for _, stream in ipairs(streams) do
    local c = stream.current
    if c and share_has_room(stream.queue)
        and (not best or share_before(c.score, stream.queue, c.seq, best.current.score, best.queue, best.current.seq)) then
      best = stream
    end
  end
  if not best then break end
  scanned = scanned + 1
  local candidate = best.current
  local req = redis.call('HMGET', job_key(best.queue, candidate.id), 'req_labels', 'req_models', 'req_vram', 'batch')
  if meets(req[1], req[2], req[3]) then
    chosen[#chosen + 1] = candidate.id
    chosen_queue[candidate.id] = best.queue
    share_charge(best.queue)
    if #chosen == 1 and req[4] then
      batch, batch_queue = req[4], best.queue
      break
    end
  end
  advance(best)
end

if batch and #chosen < max_jobs then
  for _, id in ipairs(redis.call('ZRANGE', qk(batch_queue, 'batch:' .. batch), 0, scan_limit)) do
    if #chosen >= max_jobs or not share_has_room(batch_queue) then break end
    if id ~= chosen[1] then
      local f = redis.call('HMGET', job_key(batch_queue, id), 'type', 'req_labels', 'req_models', 'req_vram')
      if types[f[1]] and meets(f[2], f[3], f[4]) then
        chosen[#chosen + 1] = id
        chosen_queue[id] = batch_queue
        share_charge(batch_queue)
      end
    end
  end
end

share_save()
local leased = {}
for _, id in ipairs(chosen) do leased[#leased + 1] = lease_job(load_job(id, chosen_queue[id]), worker, lease_ms) end
publish()
return reply('ok', leased)
