-- FailAsync (JobLifecycle.Fail): canceled if a cancel was asked for; retried after the backoff while
-- attempts remain and the failure is retryable; failed for good otherwise. An oom on a GPU the attempt records is
-- retried only on a larger GPU: queued at once when an online worker has one, else it waits scheduled (LargerGpu).
-- arg: id, attempt, error JSON, error class, retryable, backoff ms (RetryPolicy.DelayAfter of this attempt),
--      worker time-to-live ms, larger-GPU wait ms.
local j = load_job(arg(1))
if not j then return not_found() end
if not holds_lease(j, arg(2)) then return lease_conflict(j) end
local error_json, error_class = arg(3), arg(4)
local job
local above = oom_threshold(j, error_class)
if present(j, 'cancel') then
  end_attempt(j, 'canceled', error_json, error_class)
  job = apply(j, 'running', 'job.canceled')
elseif arg(5) ~= '1' or tonumber(j.attempt) >= tonumber(j.attempt_limit) then
  end_attempt(j, 'failed', error_json, error_class)
  job = apply(j, 'running', 'job.failed')
elseif above then
  set_vram_above(j, above)
  if larger_gpu_online(j, above, tonumber(arg(7))) then
    end_attempt(j, 'queued', error_json, error_class)
    set(j, 'run_at', ARGV[2])
    job = apply(j, 'running', 'job.retrying')
  else
    local reason = gpu_wait_reason(above)
    end_attempt(j, 'scheduled', error_json, error_class)
    set(j, 'run_at', int(NOW + tonumber(arg(8))))
    set(j, 'wait', reason)
    job = apply(j, 'running', 'job.retrying', reason)
  end
else
  local run_at = NOW + tonumber(arg(6))
  end_attempt(j, run_at > NOW and 'scheduled' or 'queued', error_json, error_class)
  set(j, 'run_at', int(run_at))
  job = apply(j, 'running', 'job.retrying')
end
publish()
return reply('ok', job)
