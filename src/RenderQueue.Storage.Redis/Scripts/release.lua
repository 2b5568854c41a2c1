-- ReleaseAsync (JobLifecycle.Release): back to the queue at once without charging the attempt, for the first
-- max releases of a run; each release past them is a failed attempt of class released, retried by the usual rules.
-- arg: id, attempt, reason, error JSON (class released), max releases, charged error JSON, backoff ms.
local j = load_job(arg(1))
if not j then return not_found() end
if not holds_lease(j, arg(2)) then return lease_conflict(j) end
local job
if present(j, 'cancel') then
  end_attempt(j, 'canceled', nil)
  job = apply(j, 'running', 'job.canceled', arg(3))
else
  local releases = tonumber(j.releases or '0') + 1
  set(j, 'releases', int(releases))
  if releases <= tonumber(arg(5)) then
    end_attempt(j, 'queued', arg(4), 'released', 'released')
    set(j, 'attempt_limit', int(tonumber(j.attempt_limit) + 1))
    job = apply(j, 'running', 'job.requeued', arg(3))
  elseif tonumber(j.attempt) >= tonumber(j.attempt_limit) then
    end_attempt(j, 'failed', arg(6), 'released')
    job = apply(j, 'running', 'job.failed', arg(3))
  else
    local run_at = NOW + tonumber(arg(7))
    end_attempt(j, run_at > NOW and 'scheduled' or 'queued', arg(6), 'released')
    set(j, 'run_at', int(run_at))
    job = apply(j, 'running', 'job.retrying', arg(3))
  end
end
publish()
return reply('ok', job)
