/**
 * The Redis lock's Lua scripts. Each one is atomic and checks the caller's token, so a holder whose lease
 * expired can never renew, complete or release the lease of the instance that took over. Keys of one job
 * share a `{job}` hash tag, so they live in one Cluster slot. Every operation is one script call.
 *
 * Per job: `cursor` (newest claimed scheduled tick), `fence`, `hwm` (newest completed tick) without TTL, and
 * `running` (`<token>|<tick>`, the exclusive holder). Per tick: `lease` (the token) and `mark` (`claimed`,
 * `started` or the done outcome as JSON), both with a TTL. Fleet control and history (`lock-control-scripts.ts`):
 * `paused`, `holders` (token → `<expiresAtMs>|<instanceId>|<tick>`, who runs what), `requests`, `hist`.
 */

/**
 * KEYS: lease, mark, fence, running, cursor, paused, holders. ARGV: token, ttlMs, tickMs, earlyToleranceMs
 * ('' = off), exclusive, atMostOnce, retentionMs, kind (s | c | m), maxLateMs ('' = off), graceMs, tick,
 * instanceId. Returns {1, fence, nowMs, takeover} or {0, reason, nowMs, retryInMs} ({0, 'paused', nowMs,
 * first} for a paused job: first is 1 for the one caller whose refusal moved the cursor past the tick).
 */
export const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local m = redis.call('GET', KEYS[2])
if m and m ~= 'claimed' then
  if m == 'started' then return {0, 'started', now, 0} end
  return {0, 'done', now, 0}
end
local tickMs = tonumber(ARGV[3])
if ARGV[4] ~= '' and tickMs > now + tonumber(ARGV[4]) then return {0, 'early', now, tickMs - now} end
local c = redis.call('GET', KEYS[5])
if ARGV[8] ~= 'm' and redis.call('EXISTS', KEYS[6]) == 1 then
  if ARGV[8] == 's' and (not m) and ((not c) or tickMs > tonumber(c)) then
    redis.call('SET', KEYS[5], ARGV[3])
    return {0, 'paused', now, 1}
  end
  return {0, 'paused', now, 0}
end
local held = redis.call('PTTL', KEYS[1])
if held > 0 then return {0, 'held', now, held} end
local takeover = m == 'claimed'
if ARGV[8] ~= 'm' then
  if takeover then
    if ARGV[5] == '1' and c and tickMs < tonumber(c) then return {0, 'stale', now, 0} end
  else
    if c then
      if tickMs <= tonumber(c) then return {0, 'stale', now, 0} end
    elseif ARGV[8] == 'c' then
      return {0, 'stale', now, 0}
    end
    if ARGV[9] ~= '' and tickMs < now - tonumber(ARGV[9]) then return {0, 'stale', now, 0} end
  end
end
local ttl = tonumber(ARGV[2])
if ARGV[5] == '1' then
  local r = redis.call('GET', KEYS[4])
  if r and r ~= ARGV[1] .. '|' .. ARGV[11] and string.sub(r, -(#ARGV[11] + 1)) ~= '|' .. ARGV[11] then
    return {0, 'overlap', now, math.max(redis.call('PTTL', KEYS[4]), 0)}
  end
  local grace = 0
  if ARGV[6] ~= '1' then grace = tonumber(ARGV[10]) end
  redis.call('SET', KEYS[4], ARGV[1] .. '|' .. ARGV[11], 'PX', ttl + grace)
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
redis.call('HSET', KEYS[7], ARGV[1], (now + ttl) .. '|' .. ARGV[12] .. '|' .. ARGV[11])
redis.call('PEXPIRE', KEYS[7], math.max(tonumber(ARGV[7]), 2 * ttl))
local kind = 'claimed'
if ARGV[6] == '1' then kind = 'started' end
redis.call('SET', KEYS[2], kind, 'PX', math.max(tonumber(ARGV[7]), ttl))
if ARGV[8] ~= 'm' and ((not c) or tickMs > tonumber(c)) then redis.call('SET', KEYS[5], ARGV[3]) end
local fence = math.max(tonumber(redis.call('GET', KEYS[3]) or '0') + 1, now * 1000)
redis.call('SET', KEYS[3], string.format('%.0f', fence))
local tk = 0
if takeover then tk = 1 end
return {1, fence, now, tk}
`;

/**
 * KEYS: lease, running, mark, holders. ARGV: token, ttlMs, graceMs. Compare-and-PEXPIRE; the holder entry's
 * expiry (`<expiresAtMs>|<instanceId>|<tick>`) follows the lease.
 */
export const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local ttl = tonumber(ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl)
local h = redis.call('HGET', KEYS[4], ARGV[1])
if h then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local bar = string.find(h, '|', 1, true)
  redis.call('HSET', KEYS[4], ARGV[1], (now + ttl) .. string.sub(h, bar))
  if redis.call('PTTL', KEYS[4]) < 2 * ttl then redis.call('PEXPIRE', KEYS[4], 2 * ttl) end
end
local r = redis.call('GET', KEYS[2])
if r and string.sub(r, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then
  redis.call('PEXPIRE', KEYS[2], ttl + tonumber(ARGV[3]))
end
local m = redis.call('PTTL', KEYS[3])
if m >= 0 and m < 2 * ttl then redis.call('PEXPIRE', KEYS[3], 2 * ttl) end
return 1
`;

/**
 * KEYS: lease, mark, hwm, running, holders. ARGV: token, outcomeJson, retentionMs, tickMs, advance.
 * Turns the lease into a done marker and moves the high-water mark forwards only.
 */
export const COMPLETE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[5], ARGV[1])
local r = redis.call('GET', KEYS[4])
if r and string.sub(r, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then redis.call('DEL', KEYS[4]) end
if ARGV[5] == '1' then
  local h = redis.call('GET', KEYS[3])
  if (not h) or tonumber(ARGV[4]) > tonumber(h) then redis.call('SET', KEYS[3], ARGV[4]) end
end
return 1
`;

/** KEYS: lease, running, holders. ARGV: token. Compare-and-DEL; the tick's `claimed`/`started` marker stays. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HDEL', KEYS[3], ARGV[1])
local r = redis.call('GET', KEYS[2])
if r and string.sub(r, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then redis.call('DEL', KEYS[2]) end
return 1
`;

/**
 * KEYS: hwm, fence, cursor, lease, mark. ARGV: withTick.
 * Returns {hwm|'', fence, cursor|'', nowMs, status?, detail?}.
 */
export const STATE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local h = redis.call('GET', KEYS[1]) or ''
local f = redis.call('GET', KEYS[2]) or '0'
local c = redis.call('GET', KEYS[3]) or ''
if ARGV[1] ~= '1' then return {h, f, c, now} end
local m = redis.call('GET', KEYS[5])
if m and m ~= 'started' and m ~= 'claimed' then return {h, f, c, now, 'done', m} end
local ttl = redis.call('PTTL', KEYS[4])
if ttl > 0 then return {h, f, c, now, 'leased', tostring(ttl)} end
if m then return {h, f, c, now, m, ''} end
return {h, f, c, now, 'free', ''}
`;
