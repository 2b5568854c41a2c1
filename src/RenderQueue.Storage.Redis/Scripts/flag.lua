-- FlagAsync (JobLifecycle.Flag): a succeeded job is sent back for re-render. arg: id, reason.
local j = load_job(arg(1))
if not j then return not_found() end
if j.state ~= 'succeeded' then return state_conflict(j) end
requeue(j)
set(j, 'flag', arg(2))
local job = apply(j, 'succeeded', 'job.flagged', arg(2))
publish()
return reply('ok', job)
