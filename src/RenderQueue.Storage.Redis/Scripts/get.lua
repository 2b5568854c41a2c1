-- GetAsync: one job by id. arg: id.
local j = load_job(arg(1))
if not j then return not_found() end
return reply('ok', flatten(j))
