-- CompleteAsync (JobLifecycle.Complete). arg: id, attempt, result JSON or ''.
local j = load_job(arg(1))
if not j then return not_found() end
if not holds_lease(j, arg(2)) then return lease_conflict(j) end
local job = complete_job(j, arg(3))
publish()
return reply('ok', job)
