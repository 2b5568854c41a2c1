-- CancelAsync (JobLifecycle.Cancel): pending jobs at once; a running job gets a request its worker learns
-- from the next renew. arg: id, has reason, reason.
local j = load_job(arg(1))
if not j then return not_found() end
local reason = arg(2) == '1' and arg(3) or nil
local prev = j.state
local job
if PENDING[prev] then
  set(j, 'state', 'canceled')
  set(j, 'finished', ARGV[2])
  set(j, 'updated', ARGV[2])
  unset(j, 'queued_at')
  job = apply(j, prev, 'job.canceled', reason)
elseif prev == 'running' and present(j, 'cancel') then
  job = flatten(j)
elseif prev == 'running' then
  set(j, 'cancel', '1')
  set(j, 'updated', ARGV[2])
  job = apply(j, prev, 'job.cancel_requested', reason)
else
  return state_conflict(j)
end
publish()
return reply('ok', job)
