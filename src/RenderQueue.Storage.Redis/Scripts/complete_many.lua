-- CompleteManyAsync (CompleteAsync is a batch of one): each completion applied or refused on its own
-- (JobLifecycle.Complete), all in one atomic step. arg(1) count, then id, attempt, result JSON or '' per completion.
-- The value is one { status, value } per completion, in order: { 'ok', job }, { 'not_found', {} } or
-- { 'lease_conflict', { state, attempt } }.
local function complete(j, result)
  end_attempt(j, 'succeeded', nil)
  set(j, 'result', result ~= '' and result or false)
  unset(j, 'error')
  unset(j, 'error_class')
  if present(j, 'p_max') then set(j, 'p_value', j.p_max) end
  return apply(j, 'running', 'job.succeeded')
end

local count = tonumber(arg(1))
local results = {}
for n = 0, count - 1 do
  local id, attempt, result = arg(2 + n * 3), arg(3 + n * 3), arg(4 + n * 3)
  local j = load_job(id)
  if not j then
    results[#results + 1] = { 'not_found', {} }
  elseif not holds_lease(j, attempt) then
    results[#results + 1] = { 'lease_conflict', { j.state, j.attempt } }
  else
    results[#results + 1] = { 'ok', complete(j, result) }
  end
end
publish()
return reply('ok', results)
