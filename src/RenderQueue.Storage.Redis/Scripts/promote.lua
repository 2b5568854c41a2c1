-- PromoteDueAsync (JobLifecycle.Promote): scheduled jobs whose run_at has come move to the queue.
-- arg: max. Replies with the number promoted.
local due = redis.call('ZRANGEBYSCORE', gk('scheduled'), '-inf', ARGV[2], 'LIMIT', 0, tonumber(arg(1)))
for _, id in ipairs(due) do promote_job(load_job(id)) end
publish()
return reply('ok', #due)
