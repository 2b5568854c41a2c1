-- RenewAsync (JobLifecycle.Renew). arg: id, attempt, lease ms, has progress, value, max, has message, message.
local j = load_job(arg(1))
if not j then return not_found() end
if not holds_lease(j, arg(2)) then return lease_conflict(j) end
local has_progress = arg(4) == '1'
local message = arg(7) == '1' and arg(8) or false
local changed = has_progress and (not present(j, 'p_max') or tonumber(j.p_value) ~= tonumber(arg(5))
  or tonumber(j.p_max) ~= tonumber(arg(6)) or (j.p_msg or false) ~= message)
set(j, 'lease', int(NOW + tonumber(arg(3))))
if has_progress then
  set(j, 'p_value', arg(5))
  set(j, 'p_max', arg(6))
  set(j, 'p_msg', message)
end
if changed then set(j, 'updated', ARGV[2]) end
local job = apply(j, 'running', changed and 'job.progress' or nil)
publish()
return reply('ok', job)
