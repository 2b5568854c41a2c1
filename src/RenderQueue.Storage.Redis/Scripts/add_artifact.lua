-- AddArtifactAsync (JobLifecycle.AddArtifact): a re-upload of a name replaces it and moves it last.
-- arg: id, attempt, artifact name, artifact JSON.
local j = load_job(arg(1))
if not j then return not_found() end
if not holds_lease(j, arg(2)) then return lease_conflict(j) end
local ordinal = redis.call('HINCRBY', job_key(j.queue, j.id), 'art_n', 1)
j.art_n = int(ordinal)
set(j, 'art:' .. arg(3), int(ordinal) .. '|' .. arg(4))
set(j, 'updated', ARGV[2])
local job = apply(j, 'running', 'job.artifact_added', arg(3))
publish()
return reply('ok', job)
