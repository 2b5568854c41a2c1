-- HeartbeatAsync: last seen, current jobs, draining, and fresh GPUs or models when sent. Jobs waiting for a GPU
-- larger than they ran out of memory on, which this worker could take, go to the queue.
-- arg: id, current jobs JSON, GPUs JSON or '', models JSON or '', draining (1 or 0), backends JSON or ''.
local key = gk('worker:' .. arg(1))
if redis.call('EXISTS', key) == 0 then return not_found() end
redis.call('HSET', key, 'seen', ARGV[2], 'jobs', arg(2), 'draining', arg(5))
if arg(3) ~= '' then redis.call('HSET', key, 'gpus', arg(3)) end
if arg(4) ~= '' then redis.call('HSET', key, 'models', arg(4)) end
if arg(6) ~= '' then redis.call('HSET', key, 'backends', arg(6)) end
redis.call('ZADD', gk('workers'), NOW, arg(1))
release_gpu_waits(arg(1))
publish()
return reply('ok', redis.call('HGETALL', key))
