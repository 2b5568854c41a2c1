-- LeaseAsync: picks the ready jobs a lease takes and the slot each goes to, and moves them to running (LeaseSelector
-- and SlotBoard in SQLite; keep the two in step). Each (queue, type) the worker serves is a sorted set of ready jobs
-- in lease order, read a page at a time and merged by (priority desc, the queue's fair-share pass, seq asc:
-- share_before in fair_share.lua), each head checked against its queue's cap, the worker's labels and models and
-- the free slots (backend type, one GPU's total minus what its running jobs reserve minus what this lease placed
-- there, warm-model affinity), at most scan_limit candidates in all. A job warm elsewhere is held from cold slots
-- until the wait has passed since a cold slot was first offered it (its 'offered_at', see holds). A slot about to
-- take a job it is cold for first takes the oldest job of the same priority warm on it, if that one became ready at
-- most the affinity wait later. When the first job chosen has a batch key, the rest of the lease is filled only with
-- jobs of that batch (same queue, submit order).
-- arg: worker, lease ms, max jobs, scan limit, labels (JSON), models (JSON, folded), free VRAM or '', types (JSON),
--      queues (JSON; empty = every queue), slots (JSON: [{gpu = AssignedGpu JSON, key, total, type, warm = [folded]}];
--      empty = max jobs slots on no GPU sharing the free VRAM), affinity wait ms (0 = off), fleet warm models (JSON,
--      folded) or '' when unknown.
-- Reply value: the time (ms) a job held back for affinity becomes takeable by this request or '', then the jobs.
local PAGE = 16
local worker, lease_ms, max_jobs, scan_limit = arg(1), tonumber(arg(2)), tonumber(arg(3)), tonumber(arg(4))
local labels, models, types = {}, {}, {}
for _, label in ipairs(cjson.decode(arg(5))) do labels[label] = true end
for _, model in ipairs(cjson.decode(arg(6))) do models[model] = true end
local free_vram = tonumber(arg(7))
local type_list = cjson.decode(arg(8))
for _, t in ipairs(type_list) do types[t] = true end
local wanted = cjson.decode(arg(9))
local slots = cjson.decode(arg(10))
local wait_ms = tonumber(arg(11))
local fleet
if arg(12) ~= '' then
  fleet = {}
  for _, model in ipairs(cjson.decode(arg(12))) do fleet[model] = true end
end

-- ── Slots ────────────────────────────────────────────────────────────────────────────────────────
local legacy = #slots == 0
if legacy then
  for i = 1, max_jobs do slots[i] = {} end
end
for _, s in ipairs(slots) do
  if s.warm and #s.warm > 0 then
    s.warm_set = {}
    for _, model in ipairs(s.warm) do s.warm_set[model] = true end
  end
end
local free = #slots
local taken_slot = {}
local used = {} -- GPU key -> MB reserved by its running jobs plus placed there by this lease
local pool_placed = 0

local function used_on(key)
  local u = used[key]
  if u == nil then
    u = 0
    for _, mb in ipairs(redis.call('HVALS', gk('gpu:' .. key))) do u = u + tonumber(mb) end
    used[key] = u
  end
  return u
end

-- A candidate: fields read once; its requirements and affinity models decoded only when it has any.
local function load_candidate(queue, job_type, seq, id, priority)
  local f = redis.call('HMGET', job_key(queue, id), 'req_labels', 'req_models', 'req_vram', 'req_vram_above', 'batch', 'aff', 'queued_at', 'offered_at')
  return { seq = seq, id = id, queue = queue, type = job_type, priority = priority, labels = f[1] or nil,
           models = f[2] or nil, vram = tonumber(f[3] or ''), above = tonumber(f[4] or ''), batch = f[5] or nil,
           aff_json = f[6] or nil, queued_at = tonumber(f[7] or '0'), offered_at = tonumber(f[8] or '') }
end

local function affinity(c)
  if c.aff == nil then c.aff = c.aff_json and cjson.decode(c.aff_json) or {} end
  return c.aff
end

local function meets_worker(c)
  if c.labels then
    for _, label in ipairs(cjson.decode(c.labels)) do if not labels[label] then return false end end
  end
  if c.models then
    for _, model in ipairs(cjson.decode(c.models)) do if not models[model] then return false end end
  end
  return true
end

local function fits_gpu(c, total, available)
  if c.above and not (total > c.above) then return false end
  if c.vram and available < c.vram then return false end
  return true
end

local function fits(c, i)
  local needs_gpu = c.vram ~= nil or c.above ~= nil
  if legacy then
    if not needs_gpu then return true end
    return free_vram ~= nil and fits_gpu(c, free_vram, free_vram - pool_placed)
  end
  local s = slots[i]
  if s.type and s.type ~= c.type then return false end
  if not needs_gpu then return true end
  return s.key ~= nil and fits_gpu(c, s.total, s.total - used_on(s.key))
end

local function is_warm(c, i)
  local warm = slots[i].warm_set
  if not warm or not c.aff_json then return false end
  for _, model in ipairs(affinity(c)) do if warm[model] then return true end end
  return false
end

-- Held back from cold slots: warm somewhere in the fleet (or the fleet unknown), and not offered to a cold slot for the
-- wait yet. A held job not yet offered is remembered in `passed`; this lease offers it (stamps 'offered_at', at most
-- once per stint in queued: every change into or out of queued clears it in commit) when it passes it over for a job
-- warm-first could not have preferred to it (placed cold, of a lower priority, or ready more than the wait later), or
-- when it is among the first held jobs of a lease that leaves slots free (AffinityRule in SQLite).
local deferral
local passed, passed_seen, offered = {}, {}, {}
local function note(until_ms)
  if not deferral or until_ms < deferral then deferral = until_ms end
end

local function holds(c)
  if wait_ms <= 0 or not c.aff_json then return false end
  if c.offered_at and c.offered_at + wait_ms <= NOW then return false end
  if fleet then
    local warm_somewhere = false
    for _, model in ipairs(affinity(c)) do
      if fleet[model] then warm_somewhere = true; break end
    end
    if not warm_somewhere then return false end
  end
  if c.offered_at then
    note(c.offered_at + wait_ms)
  elseif not passed_seen[c.id] then
    passed_seen[c.id] = true
    passed[#passed + 1] = c
  end
  return true
end

local function offer(c)
  c.offered_at = NOW
  offered[#offered + 1] = c
  note(NOW + wait_ms)
end

-- c was placed: the held jobs it passed over are offered unless warm-first could have preferred c to them.
local function placed(c, warm)
  if #passed == 0 then return end
  local kept = {}
  for _, h in ipairs(passed) do
    if h.id ~= c.id then
      if warm and c.priority >= h.priority and c.queued_at <= h.queued_at + wait_ms then
        kept[#kept + 1] = h
      else
        offer(h)
      end
    end
  end
  passed = kept
end

local function options(c)
  local list, held = {}, nil
  for i = 1, #slots do
    if not taken_slot[i] and fits(c, i) then
      if is_warm(c, i) then
        list[#list + 1] = i
      else
        if held == nil then held = holds(c) end
        if not held then list[#list + 1] = i end
      end
    end
  end
  return list
end

-- A warm slot, else for a job needing VRAM the GPU it leaves least free, else the first.
local function best_slot(c, list)
  for _, i in ipairs(list) do if is_warm(c, i) then return i end end
  if not c.vram or legacy then return list[1] end
  local best_i, best_free
  for _, i in ipairs(list) do
    local s = slots[i]
    local free_mb = s.key and (s.total - used_on(s.key)) or math.huge
    if not best_i or free_mb < best_free then best_i, best_free = i, free_mb end
  end
  return best_i
end

local chosen, chosen_set = {}, {}
local function take(c, i)
  taken_slot[i] = true
  free = free - 1
  local need = c.vram or 0
  local placement = { c = c }
  if legacy then
    pool_placed = pool_placed + need
  else
    local s = slots[i]
    if need > 0 and s.key then used[s.key] = used_on(s.key) + need end
    placement.slot = s
    placement.warm = is_warm(c, i)
  end
  placed(c, placement.warm == true)
  chosen[#chosen + 1] = placement
  chosen_set[c.id] = true
  share_charge(c.queue)
end

local function batch_started() return #chosen == 1 and chosen[1].c.batch ~= nil end

-- ── Ready streams ────────────────────────────────────────────────────────────────────────────────
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
if free >= 1 then
  for _, queue in ipairs(queues) do
    for _, t in ipairs(type_list) do
      local stream = { key = qk(queue, 'ready:' .. t), queue = queue, type = t, offset = 0, buffer = {}, i = 1, exhausted = false }
      if advance(stream) then streams[#streams + 1] = stream end
    end
  end
end

-- Ready jobs after `first` at its priority with a model warm on slot i, oldest first (a page per model, queue, type).
local function warm_candidates(i, first)
  local s = slots[i]
  local after = '(' .. string.format('%016d', first.seq) .. ':' .. first.id
  local found, order = {}, {}
  for model in pairs(s.warm_set) do
    for _, queue in ipairs(queues) do
      for _, t in ipairs(type_list) do
        if not s.type or s.type == t then
          local key = model_key(queue, t, model, int(first.priority))
          for _, member in ipairs(redis.call('ZRANGEBYLEX', key, after, '+', 'LIMIT', 0, PAGE)) do
            local id = string.sub(member, 18)
            if not found[id] then
              found[id] = true
              order[#order + 1] = { seq = tonumber(string.sub(member, 1, 16)), id = id, queue = queue, type = t }
            end
          end
        end
      end
    end
  end
  table.sort(order, function(a, b) return a.seq < b.seq end)
  return order
end

-- Each option cold for `first` but with models warm takes instead the oldest warm job of the same priority that
-- became ready at most the wait after `first` and fits. Returns the candidates looked at.
local function prefer_warm(first, list)
  local looked = 0
  for _, i in ipairs(list) do
    if not taken_slot[i] and slots[i].warm_set and not is_warm(first, i) then
      for _, w in ipairs(warm_candidates(i, first)) do
        looked = looked + 1
        if not chosen_set[w.id] then
          local c = load_candidate(w.queue, w.type, w.seq, w.id, first.priority)
          if c.queued_at <= first.queued_at + wait_ms and share_has_room(c.queue) and meets_worker(c) and fits(c, i) then
            take(c, i)
            if batch_started() then return looked end
            break
          end
        end
      end
    end
  end
  return looked
end

-- ── Selection ────────────────────────────────────────────────────────────────────────────────────
local scanned, batch_queue = 0, nil
while free > 0 and scanned < scan_limit do
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
  local head = best.current
  if not chosen_set[head.id] then
    local c = load_candidate(best.queue, best.type, head.seq, head.id, -head.score)
    if meets_worker(c) then
      local list = options(c)
      if wait_ms > 0 and #list > 0 then
        scanned = scanned + prefer_warm(c, list)
        if batch_started() then batch_queue = chosen[1].c.queue end
        if batch_queue then list = {} else list = options(c) end
      end
      if #list > 0 and share_has_room(c.queue) then
        take(c, best_slot(c, list))
        if batch_started() then batch_queue = c.queue end
      end
      if batch_queue then break end
    end
  end
  advance(best)
end

if batch_queue and free > 0 then
  local first = chosen[1].c
  for _, id in ipairs(redis.call('ZRANGE', qk(batch_queue, 'batch:' .. first.batch), 0, scan_limit)) do
    if free <= 0 or not share_has_room(batch_queue) then break end
    if not chosen_set[id] then
      local job_type = redis.call('HGET', job_key(batch_queue, id), 'type')
      if job_type and types[job_type] then
        local c = load_candidate(batch_queue, job_type, 0, id, first.priority)
        if meets_worker(c) then
          local list = options(c)
          if #list > 0 then take(c, best_slot(c, list)) end
        end
      end
    end
  end
end

-- The lease's idle slots wanted the first held jobs still passed; the offers are written for jobs it did not take.
local wanted = 0
for _, h in ipairs(passed) do
  if wanted >= free then break end
  if not chosen_set[h.id] then
    offer(h)
    wanted = wanted + 1
  end
end
for _, c in ipairs(offered) do
  if not chosen_set[c.id] then redis.call('HSETNX', job_key(c.queue, c.id), 'offered_at', int(NOW)) end
end

share_save()
local leased = { deferral and int(deferral) or '' }
for _, p in ipairs(chosen) do
  leased[#leased + 1] = lease_job(load_job(p.c.id, p.c.queue), worker, lease_ms, p.slot, p.c.vram, p.warm)
end
publish()
return reply('ok', leased)
