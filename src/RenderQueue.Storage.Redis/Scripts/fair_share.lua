-- ── Fair share between queues (FairShare in SQLite; prepended to lease.lua only) ─────────────────────────────
-- Stride scheduling: each queue's hash P:{q:Q}:queue holds its 'weight' (default 1), 'max_running' (none = no cap)
-- and 'pass'; P:fair_vtime is the virtual time, the pass of the last queue served. Leasing a job moves its queue's
-- pass on by STRIDE1 / weight; within a priority level the lowest pass goes first, ties to the queue with fewer running
-- jobs for its weight, then submit order (a queue back from idle ties with one that leased alone, and should get the
-- next free worker). A queue coming back from idle starts at the virtual time, so it cannot bank credit. Only a lease with a choice between
-- queues changes the state, so a worker leasing from a single queue pays nothing more.
local STRIDE1 = 1000000
local shares = {}  -- queue -> { weight, pass, room (nil = no cap), running, charged }
local share_competing, share_vtime, share_charged = false, 0, false

-- Takes the queue's counter-hash fields (running, max_running, weight, pass); false when it is at its cap.
local function share_add(queue, running, max_running, weight, pass)
  local room = nil
  if max_running then
    room = tonumber(max_running) - tonumber(running or '0')
    if room <= 0 then return false end
  end
  shares[queue] = { weight = math.max(1, tonumber(weight or '1')), pass = tonumber(pass or '0'), room = room,
                    running = tonumber(running or '0') }
  return true
end

-- Called once the leasable queues are known.
local function share_begin(queue_count)
  share_competing = queue_count > 1
  if share_competing then share_vtime = tonumber(redis.call('GET', gk('fair_vtime')) or '0') end
end

local function share_pass(queue)
  if not share_competing then return 0 end
  return math.max(shares[queue].pass, share_vtime)
end

local function share_has_room(queue)
  local room = shares[queue].room
  return room == nil or room > 0
end

-- The merge order: priority (score = -priority), then the queue's pass, then its running jobs per weight, then
-- submit order.
local function share_before(score_a, queue_a, seq_a, score_b, queue_b, seq_b)
  if score_a ~= score_b then return score_a < score_b end
  local pass_a, pass_b = share_pass(queue_a), share_pass(queue_b)
  if pass_a ~= pass_b then return pass_a < pass_b end
  if share_competing and queue_a ~= queue_b then
    local a, b = shares[queue_a], shares[queue_b]
    local load_a, load_b = a.running * b.weight, b.running * a.weight
    if load_a ~= load_b then return load_a < load_b end
  end
  return seq_a < seq_b
end

local function share_charge(queue)
  local s = shares[queue]
  if s.room then s.room = s.room - 1 end
  s.running = s.running + 1
  if not share_competing then return end
  local start = math.max(s.pass, share_vtime)
  share_vtime = start
  s.pass = start + math.floor(STRIDE1 / s.weight)
  s.charged, share_charged = true, true
end

local function share_save()
  if not share_charged then return end
  for queue, s in pairs(shares) do
    if s.charged then redis.call('HSET', qk(queue, 'queue'), 'pass', int(s.pass)) end
  end
  redis.call('SET', gk('fair_vtime'), int(share_vtime))
end

