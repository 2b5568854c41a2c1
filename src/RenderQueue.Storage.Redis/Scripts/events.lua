-- ReadEventsAsync: entries of the change feed after a sequence (stream ids are 0-<sequence>).
-- arg: after, max.
return reply('ok', redis.call('XRANGE', gk('events'), '(0-' .. arg(1), '+', 'COUNT', tonumber(arg(2))))
