/**
 * The Redis lock's Lua scripts. Each one is atomic and checks the caller's token, so a holder whose lease
 * expired can never renew, complete or release the lease of the instance that took over. Keys of one job
 * share a `{job}` hash tag, so they live in one Cluster slot. Every operation is one script call, and the hot
 * path touches as few keys as the guarantees allow: a lease costs one script of five commands, a completion
 * one of six (a compare-and-set mutex costs two).
 *
 * Per tick, one key `t:<tick>` (TTL: the marker's retention) holds the marker and the lease together:
 * `<kind><exclusive><leaseExpiresAtMs>|<token>` while claimed (`kind` `c`, or `s` for an at-most-once start;
 * `exclusive` `1` when the job-level running slot was taken too; expiry `0` once released), `d<outcome JSON>`
 * once done. Leases are judged on Redis server time (`TIME`) inside the script, so one read answers "done?",
 * "started?" and "held?". Per job, one hash `state` without TTL holds everything else the hot path reads or
 * writes, so an acquire reads it once and writes it once: `c` (cursor: newest claimed scheduled tick), `f`
 * (last fence), `h` (high-water mark: newest completed tick), `p` (present while paused fleet-wide) and one
 * field `r:<token>` per live lease (`<expiresAtMs>|<instanceId>|<tick>`: who runs what; dropped on complete,
 * release and takeover, and by the status read once expired). The exclusive slot `running` (`<token>|<tick>`)
 * is touched only by exclusive jobs. Manual run requests and history: `lock-control-scripts.ts`.
 */

/** Redis server time in milliseconds, as the first lines of a script. */
const NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;

/**
 * Reads the tick key `KEYS[1]` for token `ARGV[1]`: returns 0 unless it holds a live lease of that token, and
 * leaves `v` (the value), `bar` (the position of the `|` before the token) and `now` set.
 */
const OWN_LIVE_LEASE = `local v = redis.call('GET', KEYS[1])
if (not v) or string.byte(v, 1) == 100 then return 0 end
local bar = string.find(v, '|', 3, true)
if string.sub(v, bar + 1) ~= ARGV[1] then return 0 end
${NOW}
if tonumber(string.sub(v, 3, bar - 1)) <= now then return 0 end`;

/**
 * KEYS: tick, state, running. ARGV: token, ttlMs, tickMs, earlyToleranceMs ('' = off), exclusive, atMostOnce,
 * retentionMs, kind (s | c | m), maxLateMs ('' = off), graceMs, tick, instanceId.
 * Returns {1, fence, nowMs, takeover} or {0, reason, nowMs, retryInMs} ({0, 'paused', nowMs, first} for a
 * paused job: first is 1 for the one caller whose refusal moved the cursor past the tick).
 */
export const ACQUIRE = `
${NOW}
local v = redis.call('GET', KEYS[1])
local exp = 0
local bar = 0
if v then
  local k = string.byte(v, 1)
  if k == 100 then return {0, 'done', now, 0} end
  if k == 115 then return {0, 'started', now, 0} end
  bar = string.find(v, '|', 3, true)
  exp = tonumber(string.sub(v, 3, bar - 1))
end
local tickMs = tonumber(ARGV[3])
if ARGV[4] ~= '' and tickMs > now + tonumber(ARGV[4]) then return {0, 'early', now, tickMs - now} end
local s = redis.call('HMGET', KEYS[2], 'c', 'f', 'p')
local c = s[1]
if c then c = tonumber(c) end
local kind = ARGV[8]
if kind ~= 'm' and s[3] then
  if kind == 's' and (not v) and ((not c) or tickMs > c) then
    redis.call('HSET', KEYS[2], 'c', ARGV[3])
    return {0, 'paused', now, 1}
  end
  return {0, 'paused', now, 0}
end
if exp > now then return {0, 'held', now, exp - now} end
local takeover = 0
if v then takeover = 1 end
if kind ~= 'm' then
  if takeover == 1 then
    if ARGV[5] == '1' and c and tickMs < c then return {0, 'stale', now, 0} end
  else
    if c then
      if tickMs <= c then return {0, 'stale', now, 0} end
    elseif kind == 'c' then
      return {0, 'stale', now, 0}
    end
    if ARGV[9] ~= '' and tickMs < now - tonumber(ARGV[9]) then return {0, 'stale', now, 0} end
  end
end
local ttl = tonumber(ARGV[2])
if ARGV[5] == '1' then
  local r = redis.call('GET', KEYS[3])
  if r and r ~= ARGV[1] .. '|' .. ARGV[11] and string.sub(r, -(#ARGV[11] + 1)) ~= '|' .. ARGV[11] then
    return {0, 'overlap', now, math.max(redis.call('PTTL', KEYS[3]), 0)}
  end
  local grace = 0
  if ARGV[6] ~= '1' then grace = tonumber(ARGV[10]) end
  redis.call('SET', KEYS[3], ARGV[1] .. '|' .. ARGV[11], 'PX', ttl + grace)
end
local retention = tonumber(ARGV[7])
local mark = 'c'
if ARGV[6] == '1' then mark = 's' end
redis.call('SET', KEYS[1], mark .. ARGV[5] .. (now + ttl) .. '|' .. ARGV[1], 'PX', math.max(retention, ttl))
-- A holder taken over is not running this tick any more, and may be dead: nobody else would drop its entry.
if takeover == 1 and bar < #v then redis.call('HDEL', KEYS[2], 'r:' .. string.sub(v, bar + 1)) end
local fence = math.max(tonumber(s[2] or '0') + 1, now * 1000)
local f = string.format('%.0f', fence)
local holder = (now + ttl) .. '|' .. ARGV[12] .. '|' .. ARGV[11]
if kind ~= 'm' and ((not c) or tickMs > c) then
  redis.call('HSET', KEYS[2], 'c', ARGV[3], 'f', f, 'r:' .. ARGV[1], holder)
else
  redis.call('HSET', KEYS[2], 'f', f, 'r:' .. ARGV[1], holder)
end
return {1, fence, now, takeover}
`;

/**
 * KEYS: tick, running, state. ARGV: token, ttlMs, graceMs. Compare-and-extend: the lease's expiry moves to
 * now + ttl, the tick key lives at least 2 × ttl more (a long run keeps its claim), the holder entry and an
 * exclusive job's running slot follow.
 */
export const RENEW = `
${OWN_LIVE_LEASE}
local ttl = tonumber(ARGV[2])
redis.call('SET', KEYS[1], string.sub(v, 1, 2) .. (now + ttl) .. '|' .. ARGV[1], 'PX',
  math.max(redis.call('PTTL', KEYS[1]), 2 * ttl))
local h = redis.call('HGET', KEYS[3], 'r:' .. ARGV[1])
if h then
  local b = string.find(h, '|', 1, true)
  redis.call('HSET', KEYS[3], 'r:' .. ARGV[1], (now + ttl) .. string.sub(h, b))
end
if string.byte(v, 2) == 49 then
  local r = redis.call('GET', KEYS[2])
  if r and string.sub(r, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then
    redis.call('PEXPIRE', KEYS[2], ttl + tonumber(ARGV[3]))
  end
end
return 1
`;

/**
 * KEYS: tick, state, running. ARGV: token, outcomeJson, retentionMs, tickMs, advance.
 * Turns the lease into a done marker and moves the high-water mark forwards only.
 */
export const COMPLETE = `
${OWN_LIVE_LEASE}
redis.call('SET', KEYS[1], 'd' .. ARGV[2], 'PX', ARGV[3])
if string.byte(v, 2) == 49 then
  local r = redis.call('GET', KEYS[3])
  if r and string.sub(r, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then redis.call('DEL', KEYS[3]) end
end
if ARGV[5] == '1' then
  local h = redis.call('HGET', KEYS[2], 'h')
  if (not h) or tonumber(ARGV[4]) > tonumber(h) then
    redis.call('HSET', KEYS[2], 'h', ARGV[4])
  end
end
redis.call('HDEL', KEYS[2], 'r:' .. ARGV[1])
return 1
`;

/**
 * KEYS: tick, running, state. ARGV: token. Compare-and-drop the lease; the tick's claimed (or started) marker
 * stays with its TTL, so the tick may be taken over but never claimed anew.
 */
export const RELEASE = `
${OWN_LIVE_LEASE}
redis.call('SET', KEYS[1], string.sub(v, 1, 2) .. '0|', 'PX', math.max(redis.call('PTTL', KEYS[1]), 1))
redis.call('HDEL', KEYS[3], 'r:' .. ARGV[1])
if string.byte(v, 2) == 49 then
  local r = redis.call('GET', KEYS[2])
  if r and string.sub(r, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then redis.call('DEL', KEYS[2]) end
end
return 1
`;

/**
 * KEYS: state, tick. ARGV: withTick.
 * Returns {hwm|'', fence, cursor|'', nowMs, status?, detail?}.
 */
export const STATE = `
${NOW}
local s = redis.call('HMGET', KEYS[1], 'h', 'f', 'c')
local h = s[1] or ''
local f = s[2] or '0'
local c = s[3] or ''
if ARGV[1] ~= '1' then return {h, f, c, now} end
local v = redis.call('GET', KEYS[2])
if not v then return {h, f, c, now, 'free', ''} end
local k = string.byte(v, 1)
if k == 100 then return {h, f, c, now, 'done', string.sub(v, 2)} end
local exp = tonumber(string.sub(v, 3, string.find(v, '|', 3, true) - 1))
if exp > now then return {h, f, c, now, 'leased', tostring(exp - now)} end
if k == 115 then return {h, f, c, now, 'started', ''} end
return {h, f, c, now, 'claimed', ''}
`;
