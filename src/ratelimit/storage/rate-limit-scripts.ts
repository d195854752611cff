/**
 * One Lua script per algorithm, each the same arithmetic as its function in `algorithms/`
 * (the shared store tests hold them to it). KEYS[1]: the counter (a hash); ARGV: limit,
 * window in ms, now in epoch ms, cost. Returns {allowed 0|1, remaining, reset at, retry
 * after ms}. A script runs atomically, so concurrent requests on any process cannot both
 * take the last request; every write sets the key's expiry.
 */
const ARGS = `
local limit = tonumber(ARGV[1])
local w = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
`;

export const FIXED_WINDOW_SCRIPT = `${ARGS}
local start = math.floor(now / w) * w
local reset = math.ceil(start + w)
local saved = redis.call('HMGET', KEYS[1], 's', 'c')
local count = 0
if tonumber(saved[1]) == start then count = tonumber(saved[2]) end
local allowed = 1
if cost <= 0 then count = math.max(0, count + cost)
elseif count + cost <= limit then count = count + cost
else allowed = 0 end
redis.call('HSET', KEYS[1], 's', string.format('%.17g', start), 'c', count)
redis.call('PEXPIRE', KEYS[1], math.max(1, reset - now))
local retry = 0
if allowed == 0 then retry = reset - now end
return {allowed, math.max(0, limit - count), reset, retry}
`;

export const SLIDING_WINDOW_SCRIPT = `${ARGS}
local start = math.floor(now / w) * w
local saved = redis.call('HMGET', KEYS[1], 's', 'p', 'c')
local previous = 0
local current = 0
local savedStart = tonumber(saved[1])
if savedStart == start then
  previous = tonumber(saved[2])
  current = tonumber(saved[3])
elseif savedStart == start - w then
  previous = tonumber(saved[3])
end
local elapsed = now - start
local function weighted() return previous * (w - elapsed) / w + current end
local allowed = 1
if cost <= 0 then current = math.max(0, current + cost)
elseif weighted() + cost <= limit then current = current + cost
else allowed = 0 end
local retry = 0
if allowed == 0 then
  if cost > limit then retry = math.ceil(2 * w - elapsed)
  elseif current + cost <= limit and previous > 0 then
    retry = math.max(1, math.ceil(w - (limit - current - cost) * w / previous - elapsed))
  else
    local inNext = 0
    if current > 0 then inNext = math.max(0, w - (limit - cost) * w / current) end
    retry = math.ceil(w - elapsed + inNext)
  end
end
redis.call('HSET', KEYS[1], 's', string.format('%.17g', start), 'p', previous, 'c', current)
redis.call('PEXPIRE', KEYS[1], math.ceil(start + 2 * w - now))
return {allowed, math.max(0, math.floor(limit - weighted())), math.ceil(start + w), retry}
`;

export const TOKEN_BUCKET_SCRIPT = `${ARGS}
local perMs = limit / w
local saved = redis.call('HMGET', KEYS[1], 't', 'a')
local tokens = limit
if saved[1] then tokens = tonumber(saved[1]) + math.max(0, now - tonumber(saved[2])) * perMs end
tokens = math.min(limit, tokens)
local allowed = 1
if cost <= 0 then tokens = math.min(limit, tokens - cost)
elseif tokens >= cost then tokens = tokens - cost
else allowed = 0 end
local untilFull = math.ceil((limit - tokens) / perMs)
redis.call('HSET', KEYS[1], 't', string.format('%.17g', tokens), 'a', string.format('%.17g', now))
redis.call('PEXPIRE', KEYS[1], math.max(1, untilFull))
local retry = 0
if allowed == 0 then retry = math.max(1, math.ceil((cost - tokens) / perMs)) end
return {allowed, math.max(0, math.floor(tokens)), now + untilFull, retry}
`;
