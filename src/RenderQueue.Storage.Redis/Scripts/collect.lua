-- MarkCollectedAsync (JobLifecycle.Collect). arg: id.
local j = load_job(arg(1))
if not j then return not_found() end
if j.state ~= 'succeeded' then return state_conflict(j) end
set(j, 'collected', ARGV[2])
set(j, 'updated', ARGV[2])
local job = apply(j, 'succeeded', 'job.collected')
publish()
return reply('ok', job)
