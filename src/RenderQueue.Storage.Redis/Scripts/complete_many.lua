-- CompleteManyAsync: each completion applied or refused on its own, all in one atomic step.
-- arg(1) count, then id, attempt, result JSON or '' per completion. The value is one { status, value } per
-- completion, in order: { 'ok', job }, { 'not_found', {} } or { 'lease_conflict', { state, attempt } }.
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
    results[#results + 1] = { 'ok', complete_job(j, result) }
  end
end
publish()
return reply('ok', results)
