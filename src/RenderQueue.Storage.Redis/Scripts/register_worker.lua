-- RegisterWorkerAsync: (re)creates the worker's entry; registering again starts it afresh. Jobs waiting for a GPU
-- larger than they ran out of memory on, which this worker could take, go to the queue.
-- arg: id, registration JSON, GPUs JSON, models JSON, backends JSON.
local key = gk('worker:' .. arg(1))
redis.call('DEL', key)
redis.call('HSET', key, 'id', arg(1), 'reg', arg(2), 'gpus', arg(3), 'models', arg(4), 'backends', arg(5), 'registered', ARGV[2],
  'seen', ARGV[2], 'jobs', '[]')
redis.call('ZADD', gk('workers'), NOW, arg(1))
release_gpu_waits(arg(1))
publish()
return reply('ok', redis.call('HGETALL', key))
