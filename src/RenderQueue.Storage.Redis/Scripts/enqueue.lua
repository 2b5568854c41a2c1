-- EnqueueAsync: stores the jobs in order, in one atomic step. A job whose idempotency key is known (from
-- before or from earlier in this batch) is not stored; the existing job is returned instead.
-- arg(1) job count, then 20 values per job (see RedisJobStore.EnqueueArguments); '' means absent.
local FIELDS = { 'id', 'queue', 'type', 'priority', 'idem', 'max_attempts', 'timeout', 'run_at', 'batch', 'webhook',
                 'payload', 'metadata', 'req', 'req_labels', 'req_models', 'req_vram', 'traceparent', 'tracestate',
                 'req_vram_above', 'aff' }
local count = tonumber(arg(1))
local results = {}
local known_queues = {}
for n = 0, count - 1 do
  local input = {}
  for i, field in ipairs(FIELDS) do
    local value = arg(2 + n * #FIELDS + i - 1)
    if value ~= '' then input[field] = value end
  end
  local existing = input.idem and redis.call('HGET', gk('idem'), input.idem)
  if existing then
    results[#results + 1] = { 0, flatten(load_job(existing)) }
  else
    if redis.call('HSETNX', gk('jobs'), input.id, input.queue) == 0 then
      flush() -- the jobs stored before this one stay, counted
      return redis.error_reply('ERR job id ' .. input.id .. ' already exists')
    end
    local seq = next_seq('seq')
    local scheduled = input.run_at and tonumber(input.run_at) > NOW
    local j = { id = input.id, queue = input.queue, type = input.type }
    for field, value in pairs(input) do set(j, field, value) end
    set(j, 'seq', int(seq))
    set(j, 'attempt_limit', input.max_attempts)
    set(j, 'state', scheduled and 'scheduled' or 'queued')
    set(j, 'attempt', '0')
    set(j, 'created', ARGV[2])
    set(j, 'updated', ARGV[2])
    if not scheduled then set(j, 'queued_at', ARGV[2]) end
    if j.idem then redis.call('HSET', gk('idem'), j.idem, j.id) end
    if not known_queues[j.queue] then
      redis.call('SADD', gk('queues'), j.queue)
      known_queues[j.queue] = true
    end
    redis.call('ZADD', gk('all'), seq, j.id)
    commit(j, nil, 'job.submitted')
    results[#results + 1] = { 1 } -- the caller knows what it sent; only a job found by its idempotency key comes back
  end
end
publish()
return reply('ok', results)
