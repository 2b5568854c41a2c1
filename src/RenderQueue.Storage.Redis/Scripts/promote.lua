-- PromoteDueAsync (JobLifecycle.Promote): scheduled jobs whose run_at has come move to the queue; a job whose wait for
-- a larger GPU ran out is queued if one is online after all, else failed with class oom.
-- arg: max, worker time-to-live ms. Replies with the number handled.
local due = redis.call('ZRANGEBYSCORE', gk('scheduled'), '-inf', ARGV[2], 'LIMIT', 0, tonumber(arg(1)))
for _, id in ipairs(due) do
  local j = load_job(id)
  if present(j, 'wait') then end_larger_gpu_wait(j, tonumber(arg(2))) else promote_job(j) end
end
publish()
return reply('ok', #due)
