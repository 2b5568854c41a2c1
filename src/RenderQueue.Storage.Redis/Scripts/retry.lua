-- RetryAsync (JobLifecycle.Retry): a failed or canceled job goes back to the queue. arg: id.
local j = load_job(arg(1))
if not j then return not_found() end
local prev = j.state
if not RETRYABLE[prev] then return state_conflict(j) end
requeue(j)
local job = apply(j, prev, 'job.retried')
publish()
return reply('ok', job)
