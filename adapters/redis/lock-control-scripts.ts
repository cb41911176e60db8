/**
 * The Redis lock's fleet control and run history scripts: one script call per operation, every key under the
 * job's `{job}` hash tag (one Cluster slot). Keys: `paused` (no TTL: a pause lasts until resumed), `requests`
 * (a list of queued manual runs), `hist` (a sorted set of entry ids by `endedAt`) and `hist:data` (a hash of
 * id → entry JSON); the request and history keys expire `maxAge` after their last write, so a removed job's
 * entries go away by themselves.
 */

/** Deletes the members `ids` from the history's two keys, in slices (Lua's `unpack` has a stack limit). */
const DROP = `
local function drop(ids)
  for i = 1, #ids, 500 do
    local slice = {}
    for j = i, math.min(i + 499, #ids) do slice[#slice + 1] = ids[j] end
    redis.call('ZREM', KEYS[1], unpack(slice))
    redis.call('HDEL', KEYS[2], unpack(slice))
  end
end`;

/**
 * KEYS: hist, hist:data. ARGV: id, endedAt, entryJson, limit, maxAgeMs. Adds the entry unless its id is kept,
 * then drops entries older than maxAge (by the server clock) and the oldest beyond limit. Returns 1 if added.
 */
export const RECORD = `${DROP}
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[3]) == 0 then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local maxAge = tonumber(ARGV[5])
drop(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. (now - maxAge)))
local over = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[4])
if over > 0 then drop(redis.call('ZRANGE', KEYS[1], 0, over - 1)) end
redis.call('PEXPIRE', KEYS[1], maxAge)
redis.call('PEXPIRE', KEYS[2], maxAge)
return 1
`;

/**
 * KEYS: hist, hist:data. ARGV: limit, before ('' = none), maxAgeMs. Entries newest first, none older than
 * maxAge. Returns the entries' JSON.
 */
export const HISTORY = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local max = '+inf'
if ARGV[2] ~= '' then max = '(' .. ARGV[2] end
local ids = redis.call('ZREVRANGEBYSCORE', KEYS[1], max, now - tonumber(ARGV[3]), 'LIMIT', 0, tonumber(ARGV[1]))
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(ids))
`;

/** KEYS: paused. ARGV: paused (1 | 0). */
export const SET_PAUSED = `
if ARGV[1] == '1' then redis.call('SET', KEYS[1], '1') else redis.call('DEL', KEYS[1]) end
return 1
`;

/** KEYS: requests. ARGV: requestJson, maxAgeMs. Queues a manual run request. */
export const REQUEST_RUN = `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** KEYS: paused, requests. Returns {paused (1 | 0), oldest request JSON taken off the queue or ''}. */
export const POLL = `
return {redis.call('EXISTS', KEYS[1]), redis.call('LPOP', KEYS[2]) or ''}
`;

/**
 * KEYS: paused, requests, holders, hist, hist:data. ARGV: maxAgeMs. Drops holder entries whose lease expired
 * (a holder that died), then returns {paused, queued requests, nowMs, newest entry JSON or '', holders…} with
 * holders as a flat list of `<expiresAtMs>|<instanceId>|<tick>` values.
 */
export const STATUS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {redis.call('EXISTS', KEYS[1]), redis.call('LLEN', KEYS[2]), now, ''}
local newest = redis.call('ZREVRANGEBYSCORE', KEYS[4], '+inf', now - tonumber(ARGV[1]), 'LIMIT', 0, 1)
if newest[1] then out[4] = redis.call('HGET', KEYS[5], newest[1]) or '' end
local holders = redis.call('HGETALL', KEYS[3])
for i = 1, #holders, 2 do
  local v = holders[i + 1]
  local bar = string.find(v, '|', 1, true)
  if tonumber(string.sub(v, 1, bar - 1)) > now then out[#out + 1] = v else redis.call('HDEL', KEYS[3], holders[i]) end
end
return out
`;
