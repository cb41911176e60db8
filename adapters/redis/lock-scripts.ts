/**
 * The Redis lock's Lua scripts. Each one is atomic and checks the caller's token, so a holder whose lease
 * expired can never renew, complete or release the lease of the instance that took over.
 * Keys of one job share a `{job}` hash tag, so they live in one Cluster slot.
 */

/**
 * KEYS: lease, done, fence, running. ARGV: token, ttlMs, tickMs, earlyToleranceMs ('' = off), exclusive,
 * atMostOnce, retentionMs. Returns {1, fence, nowMs, 0} or {0, reason, nowMs, retryInMs}.
 */
export const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local d = redis.call('GET', KEYS[2])
if d then
  if d == 'started' then return {0, 'started', now, 0} end
  return {0, 'done', now, 0}
end
if ARGV[4] ~= '' and tonumber(ARGV[3]) > now + tonumber(ARGV[4]) then
  return {0, 'early', now, tonumber(ARGV[3]) - now}
end
local held = redis.call('PTTL', KEYS[1])
if held > 0 then return {0, 'held', now, held} end
if ARGV[5] == '1' then
  local r = redis.call('GET', KEYS[4])
  if r and r ~= ARGV[1] then return {0, 'overlap', now, math.max(redis.call('PTTL', KEYS[4]), 0)} end
  redis.call('SET', KEYS[4], ARGV[1], 'PX', ARGV[2])
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
if ARGV[6] == '1' then redis.call('SET', KEYS[2], 'started', 'PX', ARGV[7]) end
return {1, redis.call('INCR', KEYS[3]), now, 0}
`;

/** KEYS: lease, running. ARGV: token, ttlMs. Compare-and-PEXPIRE. */
export const RENEW = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
return 1
`;

/**
 * KEYS: lease, done, hwm, running. ARGV: token, outcomeJson, retentionMs, tickMs, advance.
 * Turns the lease into a done marker (never a plain DEL) and moves the high-water mark forwards only.
 */
export const COMPLETE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[4]) == ARGV[1] then redis.call('DEL', KEYS[4]) end
if ARGV[5] == '1' then
  local h = redis.call('GET', KEYS[3])
  if (not h) or tonumber(ARGV[4]) > tonumber(h) then redis.call('SET', KEYS[3], ARGV[4]) end
end
return 1
`;

/** KEYS: lease, running. ARGV: token. Compare-and-DEL; an at-most-once `started` marker stays. */
export const RELEASE = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('DEL', KEYS[2]) end
return 1
`;

/** KEYS: hwm, fence, lease, done. ARGV: withTick. Returns {hwm|'', fence, status?, detail?}. */
export const STATE = `
local h = redis.call('GET', KEYS[1]) or ''
local f = redis.call('GET', KEYS[2]) or '0'
if ARGV[1] ~= '1' then return {h, f} end
local d = redis.call('GET', KEYS[4])
if d and d ~= 'started' then return {h, f, 'done', d} end
local ttl = redis.call('PTTL', KEYS[3])
if ttl > 0 then return {h, f, 'leased', tostring(ttl)} end
if d then return {h, f, 'started', ''} end
return {h, f, 'free', ''}
`;
