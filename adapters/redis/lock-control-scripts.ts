/**
 * The Redis lock's fleet control and run history scripts: one script call per operation, every key under the
 * job's `{job}` hash tag (one Cluster slot). Keys: the job's `state` hash (field `p` while paused: a pause
 * lasts until resumed; fields `r:<token>`: who runs what, see `lock-scripts.ts`), `requests` (a list of queued
 * manual runs, taken with a plain `LPOP`) and `hist` (a list of entry JSON, newest write
 * first, trimmed to the count bound on every write); the request and history keys expire `maxAge` after their
 * last write, so a removed job's entries go away by themselves. A history write costs four commands; ordering
 * by `endedAt`, the age bound, paging and deduplication by id happen when the history is read.
 */

/** KEYS: hist. ARGV: entryJson, limit, maxAgeMs. */
export const RECORD = `
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[2]) - 1)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

/** KEYS: hist. Returns {nowMs, entries…} (entry JSON, newest write first). */
export const HISTORY = `
local t = redis.call('TIME')
local out = redis.call('LRANGE', KEYS[1], 0, -1)
table.insert(out, 1, tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))
return out
`;

/** KEYS: state. ARGV: paused (1 | 0). */
export const SET_PAUSED = `
if ARGV[1] == '1' then redis.call('HSET', KEYS[1], 'p', '1') else redis.call('HDEL', KEYS[1], 'p') end
return 1
`;

/** KEYS: requests. ARGV: requestJson, maxAgeMs. Queues a manual run request. */
export const REQUEST_RUN = `
redis.call('RPUSH', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/**
 * KEYS: state, requests, hist. Drops holder entries (`r:<token>` fields of the state hash) whose lease expired
 * (a holder that died), then returns {paused, queued requests, nowMs, {history entries…}, holders…} with
 * holders as a flat list of `<expiresAtMs>|<instanceId>|<tick>` values.
 */
export const STATUS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out = {redis.call('HEXISTS', KEYS[1], 'p'), redis.call('LLEN', KEYS[2]), now, redis.call('LRANGE', KEYS[3], 0, -1)}
local fields = redis.call('HGETALL', KEYS[1])
for i = 1, #fields, 2 do
  local k = fields[i]
  if string.sub(k, 1, 2) == 'r:' then
    local v = fields[i + 1]
    local bar = string.find(v, '|', 1, true)
    if tonumber(string.sub(v, 1, bar - 1)) > now then out[#out + 1] = v else redis.call('HDEL', KEYS[1], k) end
  end
end
return out
`;

/**
 * KEYS: members (a sorted set: instance id → heartbeat expiry, lock time). ARGV: instanceId, ttlMs. Records
 * the heartbeat, drops expired members and returns {nowMs, live members…}. A TTL of 0 leaves: the instance's
 * entry goes, so it is not in its own answer either (as in the other adapters). The key's own TTL is pushed
 * to twice the heartbeat TTL only when less than one TTL is left, so most heartbeats spend no command on it.
 */
export const MEMBERS = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local ttl = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if ttl > 0 then
  redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
  if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], 2 * ttl) end
else
  redis.call('ZREM', KEYS[1], ARGV[1])
end
local out = redis.call('ZRANGE', KEYS[1], 0, -1)
table.insert(out, 1, now)
return out
`;
