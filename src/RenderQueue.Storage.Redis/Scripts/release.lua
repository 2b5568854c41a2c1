-- ReleaseAsync (JobLifecycle.Release): back to the queue at once without charging the attempt.
-- arg: id, attempt, reason, error JSON (class released).
local j = load_job(arg(1))
if not j then return not_found() end
if not holds_lease(j, arg(2)) then return lease_conflict(j) end
local job
if present(j, 'cancel') then
  end_attempt(j, 'canceled', nil)
  job = apply(j, 'running', 'job.canceled', arg(3))
else
  end_attempt(j, 'queued', arg(4), 'released', 'released')
  set(j, 'attempt_limit', int(tonumber(j.attempt_limit) + 1))
  job = apply(j, 'running', 'job.requeued', arg(3))
end
publish()
return reply('ok', job)
