-- wrk script for answer_floor.go: a random session of 10,000 answers one of 20 questions.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Accept"] = "application/json"
local n = 0
request = function()
  n = n + 1
  local tok = math.random(0, 9999)
  local q = math.random(1, 20)
  wrk.headers["Cookie"] = "s=tok" .. tok
  return wrk.format(nil, nil, nil, "question=m03-question-" .. q .. "&a=" .. (n % 4))
end
