-- CompleteAsync (JobLifecycle.Complete). arg: id, attempt, result JSON or ''.
local j = load_job(arg(1))
if not j then return not_found() end
if not holds_lease(j, arg(2)) then return lease_conflict(j) end
end_attempt(j, 'succeeded', nil)
set(j, 'result', arg(3) ~= '' and arg(3) or false)
unset(j, 'error')
unset(j, 'error_class')
if present(j, 'p_max') then set(j, 'p_value', j.p_max) end
local job = apply(j, 'running', 'job.succeeded')
publish()
return reply('ok', job)
