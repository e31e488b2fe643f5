-- wrk script: each request checks in a different participant (tokens from a file, one a line;
-- thread k takes lines k, k+n, k+2n …). Arguments: tokens-file api-token threads slug
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  tokens = {}
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  auth = "Bearer " .. args[2]
  step = tonumber(args[3])
  path = "/api/v1/events/" .. args[4] .. "/check-ins"
  index = id + 1
end

function request()
  local token = tokens[index]
  index = index + step
  return wrk.format("POST", path, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = auth,
  }, '{"token":"' .. token .. '"}')
end
