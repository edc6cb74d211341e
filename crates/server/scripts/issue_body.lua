-- wrk script: POSTs the file given in BODY_FILE (a whole `POST /credentials/issue` body) to
-- PATH_TO, formatted once per thread. The same body every time is still a new credential each
-- time: the issuer gives a credential without an id a new urn:uuid and a new status index.
local static = nil

function init(args)
  local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
  local body = f:read("*a")
  f:close()
  static = wrk.format("POST", os.getenv("PATH_TO") or "/credentials/issue",
    { ["Content-Type"] = "application/json" }, body)
end

request = function()
  return static
end
