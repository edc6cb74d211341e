-- wrk script: POSTs the credential file given in BODY_FILE to PATH, each request's bytes made
-- unique by a whitespace code after the first "{" (spaces and tabs spelling the thread and
-- request number in binary): the same JSON, so the same verification work, but a new
-- credential for the inbox each time (no idempotent shortcut).
local counter = 0
local threads = 0
local base = nil

function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

function init(args)
  local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
  base = f:read("*a")
  f:close()
end

local function code(n)
  local out = {}
  for _ = 1, 32 do
    out[#out + 1] = (n % 2 == 1) and "\t" or " "
    n = math.floor(n / 2)
  end
  return table.concat(out)
end

request = function()
  counter = counter + 1
  local body = "{" .. code(tid * 100000000 + counter) .. string.sub(base, 2)
  if os.getenv("WRAP") == "verify" then
    body = '{"verifiableCredential": ' .. base .. '}'
  end
  return wrk.format("POST", os.getenv("PATH_TO") or "/inbox",
    { ["Content-Type"] = "application/json" }, body)
end
