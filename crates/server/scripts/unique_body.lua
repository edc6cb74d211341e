-- wrk script: POSTs the credential file given in BODY_FILE to PATH_TO.
--
-- WRAP=verify: the body is {"verifiableCredential": <file>}, the same for every request, so it
-- is formatted once per thread (wrk's own CPU time is taken from the server's two cores, so
-- the load generator does as little as it can).
--
-- Otherwise each request's bytes are made unique by a whitespace code after the first "{"
-- (spaces and tabs spelling the thread and request number in binary): the same JSON, so the
-- same verification work, but a new credential for the inbox each time (no idempotent
-- shortcut). The 256 byte patterns are built once; a request costs four lookups and a concat.
local counter = 0
local threads = 0
local static = nil
local head, tail = nil, nil
local patterns = {}
local headers = { ["Content-Type"] = "application/json" }
local path = nil

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
  local base = f:read("*a")
  f:close()
  path = os.getenv("PATH_TO") or "/inbox"
  if os.getenv("WRAP") == "verify" then
    static = wrk.format("POST", path, headers, '{"verifiableCredential": ' .. base .. '}')
    return
  end
  head, tail = "{", string.sub(base, 2)
  for b = 0, 255 do
    local out, n = {}, b
    for _ = 1, 8 do
      out[#out + 1] = (n % 2 == 1) and "\t" or " "
      n = math.floor(n / 2)
    end
    patterns[b] = table.concat(out)
  end
end

request = function()
  if static then
    return static
  end
  counter = counter + 1
  local n = tid * 100000000 + counter
  local b0 = n % 256
  local b1 = math.floor(n / 256) % 256
  local b2 = math.floor(n / 65536) % 256
  local b3 = math.floor(n / 16777216) % 256
  local body = head .. patterns[b0] .. patterns[b1] .. patterns[b2] .. patterns[b3] .. tail
  return wrk.format("POST", path, headers, body)
end
