-- Shared by every script (prepended at load time). Mirrors RenderQueue.Core.Jobs.JobLifecycle and the
-- bookkeeping of the SQLite store's ChangeRecorder: indexes, counters, activity, durations, the change
-- feed and the wake-up signal all change in the same atomic script as the job.
--
-- The state sets STATES, FINISHED, PENDING and RETRYABLE come first, written by StoreScripts from JobStates:
-- ask a set (FINISHED[state]) rather than list state names, so a new state needs no Lua.
--
-- ARGV[1] key prefix · ARGV[2] now (Unix ms, the store's TimeProvider) · ARGV[3] instance id (signal echo
-- filter) · ARGV[4] change-feed MAXLEN · ARGV[5] webhook progress interval (ms) · ARGV[6..] the script's own
-- arguments, read with arg(i).

local P = ARGV[1]
local NOW = tonumber(ARGV[2])
local INSTANCE = ARGV[3]
local MAXLEN = ARGV[4]
local WEBHOOK_PROGRESS_MS = tonumber(ARGV[5])
local function arg(i) return ARGV[5 + i] end

local WAIT_BOUNDS = { 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 900000, 3600000 }

-- Keys. Global ones: P:<name>. Per-queue ones carry the queue as a hash tag: P:{q:<queue>}:<name>.
local function gk(name) return P .. ':' .. name end
local function qk(queue, name) return P .. ':{q:' .. queue .. '}:' .. name end
local function job_key(queue, id) return qk(queue, 'job:' .. id) end
local function int(n) return string.format('%d', n) end

-- Signals published once the script's writes are done.
local ready_queues = {}
local last_event = 0

-- Counter changes (per-state counts, per-minute activity) are summed while the script runs and written once at its
-- end by flush(), as is each touched minute's queue depth: a lease of 32 jobs or a submit of 1,000 then costs one
-- HINCRBY per counter, not one per job. Nothing reads these counters while a script runs.
local deltas = {}
local touched_minutes = {} -- activity key -> queue

-- Sequences (P:seq, P:event_seq, P:wh:seq) are read once, counted up in the script and written once by flush(): a
-- script runs alone, so nothing else can take a number meanwhile. Redis refuses a script for lack of memory only at
-- its first write (see RedisFailures), before any number is taken; a script failing midway for a reason of its own
-- would leave a sequence behind what it wrote (and half its writes), which a script must not do anyway.
local sequences = {} -- key -> last number taken
local function next_seq(name)
  local key = gk(name)
  local n = (sequences[key] or tonumber(redis.call('GET', key) or '0')) + 1
  sequences[key] = n
  return n
end

-- The running mean duration per (queue, type): read on a script's first success of that type, updated in the
-- script, written once by flush().
local duration_means = {} -- durations key -> type -> { mean or nil, samples }
local function add_duration(durations, job_type, sample)
  local by_type = duration_means[durations] or {}
  duration_means[durations] = by_type
  local m = by_type[job_type]
  if not m then
    local known = redis.call('HMGET', durations, job_type, job_type .. ':n')
    m = { tonumber(known[1] or ''), tonumber(known[2] or '0') }
    by_type[job_type] = m
  end
  -- The mean of about the last 20 runs.
  if m[1] then m[1] = m[1] + (sample - m[1]) / math.min(m[2] + 1, 20) else m[1] = sample end
  m[2] = m[2] + 1
end

local function incr(key, field, n)
  local fields = deltas[key]
  if not fields then
    fields = {}
    deltas[key] = fields
  end
  fields[field] = (fields[field] or 0) + n
end

-- A job as a table of its fields, or nil if unknown; pass its queue when it is known, to save a lookup.
local function load_job(id, queue)
  queue = queue or redis.call('HGET', gk('jobs'), id)
  if not queue then return nil end
  local flat = redis.call('HGETALL', job_key(queue, id))
  local j = {}
  for i = 1, #flat, 2 do j[flat[i]] = flat[i + 1] end
  return j
end

local function present(j, field) return j[field] ~= nil and j[field] ~= false end

-- A job's changes are applied to the table and remembered, then written by save().
local function set(j, field, value)
  j[field] = value
  j.__dirty = j.__dirty or {}
  j.__dirty[field] = true
end

-- Only a field the job has is deleted, so a change that clears absent fields sends no HDEL.
local function unset(j, field)
  if present(j, field) then set(j, field, false) end
end

local function save(j)
  if not j.__dirty then return end
  local key = job_key(j.queue, j.id)
  local hset, hdel = {}, {}
  for field in pairs(j.__dirty) do
    if j[field] then
      hset[#hset + 1] = field
      hset[#hset + 1] = j[field]
    else
      hdel[#hdel + 1] = field
    end
  end
  if #hset > 0 then redis.call('HSET', key, unpack(hset)) end
  if #hdel > 0 then redis.call('HDEL', key, unpack(hdel)) end
  j.__dirty = nil
end

local function flatten(j)
  local flat = {}
  for field, value in pairs(j) do
    if value and string.sub(field, 1, 2) ~= '__' then
      flat[#flat + 1] = field
      flat[#flat + 1] = value
    end
  end
  return flat
end

-- Ready jobs: score -priority (exact: |priority| <= 1e6), ties broken by the member, which starts with
-- the zero-padded submit sequence, so equal priorities lease in submit order.
local function ready_member(j) return string.format('%016d', tonumber(j.seq)) .. ':' .. j.id end
local function ready_key(j) return qk(j.queue, 'ready:' .. j.type) end

-- Ready jobs by affinity model (the job's 'aff', a JSON array of folded names): one set per queue, type, model and
-- priority, every member scored 0, so a warm slot finds the oldest warm job after a given one with ZRANGEBYLEX.
local function model_key(queue, job_type, model, priority)
  return qk(queue, 'ready:' .. job_type .. ':m:' .. model .. ':p:' .. priority)
end
local function index_models(j, add)
  if not present(j, 'aff') then return end
  for _, model in ipairs(cjson.decode(j.aff)) do
    local key = model_key(j.queue, j.type, model, j.priority)
    if add then redis.call('ZADD', key, 0, ready_member(j)) else redis.call('ZREM', key, ready_member(j)) end
  end
end
local function deadline_of(j)
  if j.state == 'running' and present(j, 'timeout') and present(j, 'started') then
    return tonumber(j.started) + tonumber(j.timeout)
  end
  return nil
end

-- Listing indexes by (queue, state) and (queue, type, state), scored by seq. A listing across queues merges the
-- queues' indexes (list.lua): global indexes as well would double the sorted-set writes of every transition.
local function state_keys(j, state)
  return {
    qk(j.queue, 'state:' .. state),
    qk(j.queue, 'type:' .. j.type .. ':state:' .. state),
  }
end

-- Brings every index up to date with the job after a change from prev (nil for a new job).
local function reindex(j, prev)
  local seq = tonumber(j.seq)
  if prev ~= j.state then
    if prev then
      for _, key in ipairs(state_keys(j, prev)) do redis.call('ZREM', key, j.id) end
    end
    for _, key in ipairs(state_keys(j, j.state)) do redis.call('ZADD', key, seq, j.id) end
  end
  if j.state == 'queued' then
    redis.call('ZADD', ready_key(j), -tonumber(j.priority), ready_member(j))
    if present(j, 'batch') then redis.call('ZADD', qk(j.queue, 'batch:' .. j.batch), seq, j.id) end
    index_models(j, true)
  elseif prev == 'queued' then
    redis.call('ZREM', ready_key(j), ready_member(j))
    if present(j, 'batch') then redis.call('ZREM', qk(j.queue, 'batch:' .. j.batch), j.id) end
    index_models(j, false)
  end
  if j.state == 'scheduled' then
    redis.call('ZADD', gk('scheduled'), tonumber(j.run_at), j.id)
  elseif prev == 'scheduled' then
    redis.call('ZREM', gk('scheduled'), j.id)
  end
  -- Jobs waiting for a larger GPU after an oom, scored by the size they need exceeded (see larger-GPU waits below).
  if j.state == 'scheduled' and present(j, 'wait') then
    redis.call('ZADD', gk('gpu_waits'), tonumber(j.req_vram_above), j.id)
  elseif j.__left_wait then
    redis.call('ZREM', gk('gpu_waits'), j.id)
  end
  if j.state == 'running' then
    redis.call('ZADD', gk('leases'), tonumber(j.lease), j.id)
    local deadline = deadline_of(j)
    if deadline then redis.call('ZADD', gk('deadlines'), deadline, j.id) end
  elseif prev == 'running' then
    redis.call('ZREM', gk('leases'), j.id)
    if present(j, 'timeout') then redis.call('ZREM', gk('deadlines'), j.id) end
  end
  if FINISHED[j.state] then
    redis.call('ZADD', gk('finished'), tonumber(j.finished), j.id)
  elseif prev and FINISHED[prev] then
    redis.call('ZREM', gk('finished'), j.id)
  end
end

-- ── Webhook outbox ───────────────────────────────────────────────────────────────────────────────
-- Deliveries are written by the same script as the change: P:wh:d:<id> (a hash with its own copy of the event),
-- its attempts in P:wh:d:<id>:att, and the indexes P:wh:due (pending, by next attempt), P:wh:job:<job> (by id)
-- and P:wh:done (finished, by end time). Subscriptions: P:wh:sub:<id> hashes listed in P:wh:subs.

local WEBHOOK_TERMINAL = { ['job.succeeded'] = true, ['job.failed'] = true, ['job.canceled'] = true }

local function hears(events, event_type)
  return string.find(',' .. events .. ',', ',' .. event_type .. ',', 1, true) ~= nil
end

-- The subscriptions, read once per script: { id, url, queue, events, disabled } each.
local subscriptions
local function load_subscriptions()
  if not subscriptions then
    subscriptions = {}
    for _, id in ipairs(redis.call('ZRANGE', gk('wh:subs'), 0, -1)) do
      local s = redis.call('HMGET', gk('wh:sub:' .. id), 'url', 'queue', 'events', 'disabled')
      subscriptions[#subscriptions + 1] = { id, s[1], s[2], s[3], s[4] }
    end
  end
  return subscriptions
end

local function outbox(j, event_type, seq, fields)
  if not (WEBHOOK_TERMINAL[event_type] or event_type == 'job.progress') then return end
  local targets = {}
  if WEBHOOK_TERMINAL[event_type] and present(j, 'webhook') then targets[#targets + 1] = { false, j.webhook } end
  for _, s in ipairs(load_subscriptions()) do
    if s[2] and not s[5] and (not s[3] or s[3] == j.queue) and hears(s[4], event_type) then
      targets[#targets + 1] = { s[1], s[2] }
    end
  end
  if #targets == 0 then return end
  if event_type == 'job.progress' then
    local last = tonumber(redis.call('HGET', job_key(j.queue, j.id), 'wh_p') or '')
    if last and NOW - last < WEBHOOK_PROGRESS_MS then return end
    redis.call('HSET', job_key(j.queue, j.id), 'wh_p', ARGV[2])
  end
  local event = {}
  for i = 1, #fields, 2 do
    local value = fields[i + 1]
    event[fields[i]] = type(value) == 'number' and string.format('%.17g', value) or value
  end
  local event_json = cjson.encode(event)
  for _, target in ipairs(targets) do
    local id = next_seq('wh:seq')
    local key = gk('wh:d:' .. int(id))
    local delivery = { 'id', int(id), 'msg', 'msg_' .. j.id .. '_' .. int(seq), 'job', j.id, 'url', target[2],
      'ev', event_json, 'seq', int(seq), 'created', j.updated, 'next', j.updated, 'state', 'pending' }
    local function add(field, value) delivery[#delivery + 1] = field; delivery[#delivery + 1] = value end
    if target[1] then add('sub', target[1]) end
    if event_type == 'job.succeeded' and present(j, 'result') then add('res', j.result) end
    -- The job's trace context travels with the delivery, so its sending joins the job's trace.
    if present(j, 'traceparent') then add('traceparent', j.traceparent) end
    if present(j, 'tracestate') then add('tracestate', j.tracestate) end
    redis.call('HSET', key, unpack(delivery))
    redis.call('ZADD', gk('wh:due'), tonumber(j.updated), int(id))
    redis.call('ZADD', gk('wh:job:' .. j.id), id, int(id))
  end
end

local function wait_bucket(ms)
  for i, bound in ipairs(WAIT_BOUNDS) do
    if ms <= bound then return i - 1 end
  end
  return #WAIT_BOUNDS
end

-- Counters, per-minute activity, failure classes, durations, the event and the signal of one change.
local function record(j, prev, event_type, reason)
  local queue_key = qk(j.queue, 'queue')
  if prev ~= j.state then
    if prev then
      incr(queue_key, prev, -1)
      incr(queue_key, j.state, 1)
      if FINISHED[j.state] then incr(queue_key, 'total_' .. j.state, 1) end
    else
      incr(queue_key, j.state, 1)
      incr(queue_key, 'total_submitted', 1)
    end
    local minute = math.floor(tonumber(j.updated) / 60000) * 60000
    local activity = qk(j.queue, 'activity:' .. int(minute))
    if not touched_minutes[activity] then
      touched_minutes[activity] = j.queue
      redis.call('ZADD', qk(j.queue, 'minutes'), minute, int(minute))
    end
    if not prev then incr(activity, 'submitted', 1) end
    if j.state == 'running' then
      incr(activity, 'started', 1)
      if present(j, 'started') and present(j, 'queued_at') then
        incr(activity, 'w' .. wait_bucket(tonumber(j.started) - tonumber(j.queued_at)), 1)
      end
    elseif FINISHED[j.state] then
      incr(activity, j.state, 1)
    end
    -- A failed attempt always leaves running, so its class is counted in the minute of that change.
    -- A free release (requeued, class released) is no failure; one charged an attempt (retrying or failed) is.
    if prev == 'running' and present(j, 'error_class')
        and (event_type == 'job.failed' or event_type == 'job.retrying'
             or (event_type == 'job.requeued' and j.error_class ~= 'released')) then
      incr(activity, 'f:' .. j.error_class, 1)
    end
  end

  if prev == 'running' and j.state == 'succeeded' and present(j, 'started') and present(j, 'finished') then
    add_duration(qk(j.queue, 'durations'), j.type, tonumber(j.finished) - tonumber(j.started))
  end

  if j.state == 'queued' and prev ~= 'queued' then ready_queues[j.queue] = true end

  if event_type then
    local seq = next_seq('event_seq')
    local fields = { 't', event_type, 'at', j.updated, 'id', j.id, 'q', j.queue, 'jt', j.type, 's', j.state,
                     'a', j.attempt, 'p', j.priority }
    if present(j, 'p_max') then
      fields[#fields + 1] = 'pv'; fields[#fields + 1] = j.p_value
      fields[#fields + 1] = 'pm'; fields[#fields + 1] = j.p_max
      if present(j, 'p_msg') then fields[#fields + 1] = 'pmsg'; fields[#fields + 1] = j.p_msg end
    end
    if present(j, 'error') and (j.state == 'failed' or PENDING[j.state]) then
      fields[#fields + 1] = 'err'; fields[#fields + 1] = j.error
    end
    local worker = present(j, 'worker') and j.worker or j['a' .. j.attempt .. ':w']
    if worker then fields[#fields + 1] = 'w'; fields[#fields + 1] = worker end
    if reason then fields[#fields + 1] = 'r'; fields[#fields + 1] = reason end
    redis.call('XADD', gk('events'), 'MAXLEN', '~', MAXLEN, '0-' .. int(seq), unpack(fields))
    last_event = seq
    outbox(j, event_type, seq, fields)
  end
end

-- Persists the job and records its change. A wait reason only lives while the job is scheduled, an affinity offer
-- while it stays queued.
local function commit(j, prev, event_type, reason)
  -- When a cold slot was first offered it (lease.lua): only for one stint in queued, so each starts a fresh hold.
  if not (prev == 'queued' and j.state == 'queued') then unset(j, 'offered_at') end
  if j.state ~= 'scheduled' and present(j, 'wait') then
    unset(j, 'wait')
    j.__left_wait = true
  end
  save(j)
  reindex(j, prev)
  record(j, prev, event_type, reason)
end

-- commit(), returning the job as a flat field list for the reply.
local function apply(j, prev, event_type, reason)
  commit(j, prev, event_type, reason)
  return flatten(j)
end

-- One message per script on P:signals: instance, last event sequence, then the queues made ready.
local function publish()
  if last_event == 0 and next(ready_queues) == nil then return end
  local parts = { INSTANCE, int(last_event) }
  for queue in pairs(ready_queues) do parts[#parts + 1] = queue end
  redis.call('PUBLISH', gk('signals'), table.concat(parts, '\n'))
end

-- Writes the sequences and summed counter changes, the durations, then the queue depth of every minute that saw a
-- change of state.
local function flush()
  for key, n in pairs(sequences) do redis.call('SET', key, int(n)) end
  sequences = {}
  for durations, by_type in pairs(duration_means) do
    for job_type, m in pairs(by_type) do
      redis.call('HSET', durations, job_type, string.format('%.17g', m[1]), job_type .. ':n', m[2])
    end
  end
  duration_means = {}
  for key, fields in pairs(deltas) do
    for field, n in pairs(fields) do
      if n ~= 0 then redis.call('HINCRBY', key, field, n) end
    end
  end
  deltas = {}
  for activity, queue in pairs(touched_minutes) do
    redis.call('HSET', activity, 'depth', redis.call('HGET', qk(queue, 'queue'), 'queued') or '0')
  end
  touched_minutes = {}
end

-- The reply of every script: { status, last event sequence, queues made ready, value }. The caller raises
-- its own signals from it at once; other instances get them through the channel. It writes the counters first.
local function reply(status, value)
  flush()
  local queues = {}
  for queue in pairs(ready_queues) do queues[#queues + 1] = queue end
  return { status, int(last_event), queues, value or {} }
end

local function not_found() return reply('not_found') end

-- ── JobLifecycle ─────────────────────────────────────────────────────────────────────────────────

local function lease_conflict(j) return reply('lease_conflict', { j.state, j.attempt }) end
local function state_conflict(j) return reply('state_conflict', { j.state }) end

local function holds_lease(j, attempt) return j.state == 'running' and j.attempt == attempt end

-- Ends the running attempt: the attempt's outcome, the job's new state and its cleared lease fields.
local function end_attempt(j, next_state, error_json, error_class, outcome)
  local k = j.attempt
  if tonumber(k) > 0 and present(j, 'a' .. k .. ':s') and not present(j, 'a' .. k .. ':e') then
    set(j, 'a' .. k .. ':e', ARGV[2])
    set(j, 'a' .. k .. ':o', outcome or next_state)
    if error_json then set(j, 'a' .. k .. ':err', error_json) end
  end
  set(j, 'state', next_state)
  if error_json then
    set(j, 'error', error_json)
    set(j, 'error_class', error_class)
  end
  unset(j, 'worker')
  unset(j, 'lease')
  unset(j, 'cancel')
  -- Every way out of running frees the GPU's reservation; the attempt keeps its GPU.
  if present(j, 'gpu_key') then redis.call('HDEL', gk('gpu:' .. j.gpu_key), j.id) end
  unset(j, 'gpu_key')
  unset(j, 'gpu')
  if next_state == 'queued' then set(j, 'queued_at', ARGV[2]) else unset(j, 'queued_at') end
  if FINISHED[next_state] then set(j, 'finished', ARGV[2]) else unset(j, 'finished') end
  set(j, 'updated', ARGV[2])
end

-- Retry and flag: back to the queue with a fresh attempt budget.
local function requeue(j)
  set(j, 'state', 'queued')
  set(j, 'attempt_limit', int(tonumber(j.attempt) + tonumber(j.max_attempts)))
  for _, field in ipairs({ 'error', 'error_class', 'result', 'p_value', 'p_max', 'p_msg', 'cancel', 'run_at',
                           'started', 'finished', 'collected', 'releases' }) do
    unset(j, field)
  end
  set(j, 'queued_at', ARGV[2])
  set(j, 'updated', ARGV[2])
end

-- slot: the lease's slot ({ gpu = AssignedGpu JSON, key = GPU key, ... }) or nil; reserve_mb: the job's min VRAM,
-- reserved on that GPU while it runs (P:gpu:<key>, job id -> MB); warm: whether one of its models was loaded there.
local function lease_job(j, worker, lease_ms, slot, reserve_mb, warm)
  local attempt = int(tonumber(j.attempt) + 1)
  if slot and slot.gpu then
    set(j, 'gpu', slot.gpu)
    set(j, 'a' .. attempt .. ':gpu', slot.gpu)
    if slot.key then
      set(j, 'gpu_key', slot.key)
      if reserve_mb and reserve_mb > 0 then redis.call('HSET', gk('gpu:' .. slot.key), j.id, int(reserve_mb)) end
    end
  end
  if warm ~= nil then set(j, 'a' .. attempt .. ':warm', warm and '1' or '0') end
  set(j, 'state', 'running')
  set(j, 'attempt', attempt)
  set(j, 'worker', worker)
  set(j, 'lease', int(NOW + lease_ms))
  set(j, 'started', ARGV[2])
  unset(j, 'p_value'); unset(j, 'p_max'); unset(j, 'p_msg')
  unset(j, 'cancel')
  set(j, 'updated', ARGV[2])
  set(j, 'a' .. attempt .. ':w', worker)
  set(j, 'a' .. attempt .. ':s', ARGV[2])
  return apply(j, 'queued', 'job.started')
end

-- TimeSpan.ToString() ("c" format) of a number of milliseconds, as JobLifecycle.TimeOut prints it.
local function timespan_text(ms)
  local days = math.floor(ms / 86400000)
  local rest = ms - days * 86400000
  local text = string.format('%02d:%02d:%02d', math.floor(rest / 3600000), math.floor(rest / 60000) % 60,
                             math.floor(rest / 1000) % 60)
  if days > 0 then text = int(days) .. '.' .. text end
  if ms % 1000 ~= 0 then text = text .. string.format('.%07d', (ms % 1000) * 10000) end
  return text
end

local function expire_job(j)
  local error_json = cjson.encode({ message = "Worker '" .. (j.worker or '') .. "' stopped renewing its lease.", class = 'lost' })
  if present(j, 'cancel') then
    end_attempt(j, 'canceled', error_json, 'lost')
    return apply(j, 'running', 'job.canceled')
  end
  if tonumber(j.attempt) >= tonumber(j.attempt_limit) then
    end_attempt(j, 'failed', error_json, 'lost')
    return apply(j, 'running', 'job.failed')
  end
  end_attempt(j, 'queued', error_json, 'lost', 'requeued')
  return apply(j, 'running', 'job.requeued')
end

local function time_out_job(j)
  local message = 'The attempt ran longer than its timeout of ' .. timespan_text(tonumber(j.timeout)) .. '.'
  end_attempt(j, 'failed', cjson.encode({ message = message, class = 'timeout' }), 'timeout')
  return apply(j, 'running', 'job.failed')
end

local function promote_job(j)
  set(j, 'state', 'queued')
  set(j, 'queued_at', ARGV[2])
  set(j, 'updated', ARGV[2])
  return apply(j, 'scheduled', 'job.queued')
end

-- ── Larger-GPU waits (RenderQueue.Core.Jobs.LargerGpu) ───────────────────────────────────────────
-- An oom on a GPU the attempt records raises the job's req_vram_above (and its req JSON) to that GPU's total; the
-- retry waits 'scheduled' with a 'wait' reason until a worker that could take it on a larger GPU is online. Workers
-- are read inside the same script as the job's change, so a failure and a heartbeat never miss each other.

local function thousands(n)
  local text, k = int(n), 0
  repeat text, k = string.gsub(text, '^(-?%d+)(%d%d%d)', '%1,%2') until k == 0
  return text
end

local function gpu_wait_reason(mb) return 'waiting for a GPU with more than ' .. thousands(mb) .. ' MB' end

-- The size an oom retry must exceed (the attempt's GPU, else the job's assigned one); nil for anything else.
local function oom_threshold(j, error_class)
  if error_class ~= 'oom' then return nil end
  local gpu = j['a' .. j.attempt .. ':gpu'] or j.gpu
  if not gpu then return nil end
  local total = tonumber(cjson.decode(gpu).vram_total_mb)
  local current = tonumber(j.req_vram_above or '')
  if current and current > total then return current end
  return total
end

-- Sets requirements.vram_above_mb in the job's requirements JSON (written by .NET, so its shape is known) and the
-- field the lease matches.
local function set_vram_above(j, mb)
  local req = j.req or '{}'
  req = string.gsub(req, '"vram_above_mb":%-?%d+,', '')
  req = string.gsub(req, ',?"vram_above_mb":%-?%d+', '')
  if req == '{}' then req = '{"vram_above_mb":' .. int(mb) .. '}' else req = string.sub(req, 1, -2) .. ',"vram_above_mb":' .. int(mb) .. '}' end
  set(j, 'req', req)
  set(j, 'req_vram_above', int(mb))
end

local function contains(list, value)
  for _, item in ipairs(list) do if item == value then return true end end
  return false
end

-- Whether a worker (its hash as a table) could take job j on a GPU larger than mb: not draining, serves the job's
-- queue and type, has its labels and models (folded as the lease folds them), and has such a GPU.
local function worker_can_take(w, j, mb)
  if w.draining == '1' or w.drain_requested == '1' or not w.reg then return false end
  local larger = false
  for _, gpu in ipairs(cjson.decode(w.gpus or '[]')) do
    if tonumber(gpu.vram_total_mb) > mb then larger = true end
  end
  if not larger then return false end
  local reg = cjson.decode(w.reg)
  if not contains(reg.types or {}, j.type) then return false end
  local queues = reg.queues or {}
  if #queues > 0 and not contains(queues, j.queue) then return false end
  if present(j, 'req_labels') then
    for _, label in ipairs(cjson.decode(j.req_labels)) do
      if not contains(reg.labels or {}, label) then return false end
    end
  end
  if present(j, 'req_models') then
    local models = {}
    for _, model in ipairs(cjson.decode(w.models or '[]')) do models[string.upper(model)] = true end
    for _, model in ipairs(cjson.decode(j.req_models)) do
      if not models[model] then return false end
    end
  end
  return true
end

local function load_worker(id)
  local flat = redis.call('HGETALL', gk('worker:' .. id))
  local w = {}
  for i = 1, #flat, 2 do w[flat[i]] = flat[i + 1] end
  return w
end

-- The id of a worker seen within ttl_ms that could take j on a GPU larger than mb; nil when there is none.
local function larger_gpu_online(j, mb, ttl_ms)
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', gk('workers'), NOW - ttl_ms, '+inf')) do
    if worker_can_take(load_worker(id), j, mb) then return id end
  end
  return nil
end

-- JobLifecycle.LargerGpuFound: the waiting job goes to the queue.
local function larger_gpu_found(j, worker_id)
  local reason = 'worker \'' .. worker_id .. '\' has a GPU with more than ' .. thousands(tonumber(j.req_vram_above)) .. ' MB'
  set(j, 'state', 'queued')
  set(j, 'queued_at', ARGV[2])
  unset(j, 'run_at')
  set(j, 'updated', ARGV[2])
  return apply(j, 'scheduled', 'job.queued', reason)
end

-- The wait of a due job ran out (promote): queued when a larger GPU is online after all, else failed with class oom.
local function end_larger_gpu_wait(j, ttl_ms)
  local worker_id = larger_gpu_online(j, tonumber(j.req_vram_above), ttl_ms)
  if worker_id then return larger_gpu_found(j, worker_id) end
  local reason = j.wait
  local message = reason .. '; none came online in time'
  set(j, 'state', 'failed')
  set(j, 'error', cjson.encode({ message = message, class = 'oom' }))
  set(j, 'error_class', 'oom')
  unset(j, 'queued_at')
  set(j, 'finished', ARGV[2])
  set(j, 'updated', ARGV[2])
  return apply(j, 'scheduled', 'job.failed', reason)
end

-- A worker registered or heartbeated: the waiting jobs its GPUs are large enough for go to the queue (at most 1,000).
local function release_gpu_waits(worker_id)
  local w = load_worker(worker_id)
  if w.draining == '1' or w.drain_requested == '1' then return end
  local largest
  for _, gpu in ipairs(cjson.decode(w.gpus or '[]')) do
    local total = tonumber(gpu.vram_total_mb)
    if not largest or total > largest then largest = total end
  end
  if not largest then return end
  for _, id in ipairs(redis.call('ZRANGEBYSCORE', gk('gpu_waits'), '-inf', '(' .. int(largest), 'LIMIT', 0, 1000)) do
    local j = load_job(id)
    if j and worker_can_take(w, j, tonumber(j.req_vram_above)) then larger_gpu_found(j, worker_id) end
  end
end

-- ── Script bodies follow ─────────────────────────────────────────────────────────────────────────
