-- SetPriorityAsync (JobLifecycle.SetPriority): only while scheduled or queued; a queued job's ready score
-- is rewritten by reindex. arg: id, priority.
local j = load_job(arg(1))
if not j then return not_found() end
local prev = j.state
if not PENDING[prev] then return state_conflict(j) end
if prev == 'queued' then index_models(j, false) end -- its model sets are per priority; reindex adds the new ones
set(j, 'priority', arg(2))
set(j, 'updated', ARGV[2])
local job = apply(j, prev, 'job.priority_changed')
publish()
return reply('ok', job)
