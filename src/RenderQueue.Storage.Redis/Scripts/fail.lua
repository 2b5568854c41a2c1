-- FailAsync (JobLifecycle.Fail): canceled if a cancel was asked for; retried after the backoff while
-- attempts remain and the failure is retryable; failed for good otherwise.
-- arg: id, attempt, error JSON, error class, retryable, backoff ms (RetryPolicy.DelayAfter of this attempt).
local j = load_job(arg(1))
if not j then return not_found() end
if not holds_lease(j, arg(2)) then return lease_conflict(j) end
local error_json, error_class = arg(3), arg(4)
local job
if present(j, 'cancel') then
  end_attempt(j, 'canceled', error_json, error_class)
  job = apply(j, 'running', 'job.canceled')
elseif arg(5) ~= '1' or tonumber(j.attempt) >= tonumber(j.attempt_limit) then
  end_attempt(j, 'failed', error_json, error_class)
  job = apply(j, 'running', 'job.failed')
else
  local run_at = NOW + tonumber(arg(6))
  end_attempt(j, run_at > NOW and 'scheduled' or 'queued', error_json, error_class)
  set(j, 'run_at', int(run_at))
  job = apply(j, 'running', 'job.retrying')
end
publish()
return reply('ok', job)
