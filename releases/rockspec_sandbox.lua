-- The rockspec sandbox's Lua side (releases/rockspecs.py loads it into a fresh lupa Lua 5.1 runtime
-- per rockspec). It returns the runner, a function that evaluates one rockspec.
--
-- Every string shares one metatable whose __index is the string library: even with an empty
-- environment `("x"):rep(1e9)` reaches it, and rockspecs do call string methods
-- (`version:gsub("^(.*)-.-$", "%1")`). Lua's own C functions run without debug hooks, and Lua
-- patterns backtrack (`("a"):rep(5000):match(("a*"):rep(20) .. "b")` would run for hours), so:
--
-- - the linear functions (byte char format len lower rep reverse sub upper) are Lua's own C
--   functions, given strings of at most MAX_STRING bytes;
-- - the pattern functions (find match gmatch gfind gsub) are the matcher below, written in Lua
--   after the semantics of Lua 5.1's lstrlib.c (same results, same errors), which counts its
--   steps: every pattern item tried at a subject position, every byte scanned or compared. Past
--   MAX_STEPS steps in the whole rockspec it raises "pattern too costly", past MAX_DEPTH nested
--   pattern items "pattern too complex" (Lua 5.2's bound, MAXCCALLS 200). Being Lua, it also runs
--   under the instruction hook and the memory limit, and a gsub replacement function runs under
--   them too;
-- - every error names the reason and the rockspec line that called the library:
--   `[string "rockspec"]:5: pattern too costly`.
local MAX_STRING, MAX_STEPS, MAX_DEPTH, memory = ...

local byte, sub, cfind, char = string.byte, string.sub, string.find, string.char
local format, lower, upper, rep, reverse = string.format, string.lower, string.upper,
  string.rep, string.reverse
local concat, unpack, setmetatable, pairs = table.concat, unpack, setmetatable, pairs
local error, type, select, tostring, tonumber, pcall = error, type, select, tostring, tonumber,
  pcall
local floor, ceil = math.floor, math.ceil
local getinfo, sethook = debug.getinfo, debug.sethook
local loadstring, setfenv, create, resume = loadstring, setfenv, coroutine.create,
  coroutine.resume

local CHUNK = "rockspec" -- the rockspec's chunk name: its messages read [string "rockspec"]:N:
local AT_ROCKSPEC = '[string "' .. CHUNK .. '"]:'
local FAIL = {} -- the key of the library's own errors (a rockspec can't make such a table)

-- "[string "rockspec"]:N: " for the innermost rockspec line on the stack, or "".
local function where()
  for level = 2, 2000 do
    local info = getinfo(level, "Sl")
    if not info then break end
    if info.source == CHUNK and info.currentline > 0 then
      return info.short_src .. ":" .. info.currentline .. ": "
    end
  end
  return ""
end

local function fail(message) error({ [FAIL] = message }, 0) end

-- The library's public functions run their body under pcall, then raise any error again with the
-- rockspec's line; a rockspec's own errors (from a gsub replacement function) keep theirs.
local function finish(ok, ...)
  if ok then return ... end
  local problem = ...
  if type(problem) == "table" and problem[FAIL] then error(where() .. problem[FAIL], 0) end
  if type(problem) == "string" and sub(problem, 1, #AT_ROCKSPEC) ~= AT_ROCKSPEC then
    -- a C function's message carries this file's position, not the rockspec's
    local _, stop = cfind(problem, '^%[string "[^"]*"%]:%d+: ')
    error(where() .. (stop and sub(problem, stop + 1) or problem), 0)
  end
  error(problem, 0)
end
local function guarded(body)
  return function(...) return finish(pcall(body, ...)) end
end

local function argument_error(number, name, message)
  fail(format("bad argument #%d to '%s' (%s)", number, name, message))
end
-- luaL_checklstring: a string, or a number converted to one
local function check_string(value, number, name)
  local kind = type(value)
  if kind == "string" then return value end
  if kind == "number" then return tostring(value) end
  argument_error(number, name, "string expected, got " .. kind)
end
-- luaL_optinteger: nil gives the default, a number (or numeric string) is truncated toward zero
local function opt_integer(value, number, name, default)
  if value == nil then return default end
  local n = tonumber(value)
  if type(n) ~= "number" then
    argument_error(number, name, "number expected, got " .. type(value))
  end
  if n ~= n then return 0 end
  return n >= 0 and floor(n) or ceil(n)
end
local function too_long(value)
  return type(value) == "string" and #value > MAX_STRING
end
local function bounded(...)
  for i = 1, select("#", ...) do
    if too_long((select(i, ...))) then fail("string too long") end
  end
end

-- character classes of the C locale, as the luarocks client sees them; each class's table of
-- 256 answers is made the first time a pattern uses it
local CLASSES
do
  local function range(c, a, b) return c >= a and c <= b end
  local tests = {
    a = function(c) return range(c, 65, 90) or range(c, 97, 122) end,
    c = function(c) return c < 32 or c == 127 end,
    d = function(c) return range(c, 48, 57) end,
    l = function(c) return range(c, 97, 122) end,
    s = function(c) return c == 32 or range(c, 9, 13) end,
    u = function(c) return range(c, 65, 90) end,
    x = function(c) return range(c, 48, 57) or range(c, 97, 102) or range(c, 65, 70) end,
    z = function(c) return c == 0 end,
  }
  tests.w = function(c) return tests.a(c) or tests.d(c) end
  tests.p = function(c) return range(c, 33, 126) and not tests.w(c) end
  local letters = {}
  for letter, test in pairs(tests) do
    letters[byte(letter)] = { test, true }
    letters[byte(upper(letter))] = { test, false }
  end
  CLASSES = setmetatable({}, {
    __index = function(classes, class)
      local known = letters[class]
      if not known then return nil end
      local set, test, yes = {}, known[1], known[2]
      for c = 0, 255 do set[c] = (test(c) == true) == yes end
      classes[class] = set
      return set
    end,
  })
end

-- The matcher's state, for the one match running (a gsub replacement function may start another
-- match: gsub sets the state again after calling it).
local S, N, P, PN -- subject and its length; pattern and its length up to its first "\0"
local level, depth, steps = 0, 0, 0
local capture_start, capture_length = {}, {}
local UNFINISHED, POSITION = -1, -2

local function spend(n)
  steps = steps + n
  if steps > MAX_STEPS then fail("pattern too costly") end
end

local ENDS, SETS = {}, {} -- for the pattern P: class_end's answers and in_set's, by position

local function set_state(subject, pattern)
  S, N = subject, #subject
  if pattern ~= P then
    P, ENDS, SETS = pattern, {}, {}
    local zero = cfind(pattern, "\0", 1, true)
    PN = zero and zero - 1 or #pattern
  end
end

local function match_class(c, class)
  local set = CLASSES[class]
  if set then return set[c] end
  return class == c
end

-- the end (one past) of the single-character class starting at j
local function find_class_end(j)
  local c = byte(P, j)
  j = j + 1
  if c == 37 then -- %
    if j > PN then fail("malformed pattern (ends with '%')") end
    return j + 1
  elseif c == 91 then -- [
    if byte(P, j) == 94 then j = j + 1 end
    repeat
      if j > PN then fail("malformed pattern (missing ']')") end
      c = byte(P, j)
      j = j + 1
      if c == 37 and j <= PN then j = j + 1 end
    until j <= PN and byte(P, j) == 93
    return j + 1
  end
  return j
end

local function class_end(j)
  local ep = ENDS[j]
  if not ep then
    ep = find_class_end(j)
    ENDS[j] = ep
  end
  return ep
end

-- c in the set [...] from j (the "[") to last (the "]")
local function match_bracket_class(c, j, last)
  local found = true
  if byte(P, j + 1) == 94 then
    found = false
    j = j + 1
  end
  j = j + 1
  while j < last do
    local pc = byte(P, j)
    if pc == 37 then
      j = j + 1
      if match_class(c, byte(P, j)) then return found end
    elseif byte(P, j + 1) == 45 and j + 2 < last then
      if pc <= c and c <= byte(P, j + 2) then return found end
      j = j + 2
    elseif pc == c then
      return found
    end
    j = j + 1
  end
  return not found
end

-- c in the bracket class from j to ep (one past its "]"): each byte's answer is kept, and working
-- one out costs steps by the class's length
local function in_set(c, j, ep)
  local set = SETS[j]
  if not set then
    set = {}
    SETS[j] = set
  end
  local known = set[c]
  if known == nil then
    spend(1 + floor((ep - j) / 8))
    known = match_bracket_class(c, j, ep - 1)
    set[c] = known
  end
  return known
end

local function single_match(c, j, ep)
  local pc = byte(P, j)
  if pc == 46 then return true end -- .
  if pc == 37 then return match_class(c, byte(P, j + 1)) end
  if pc == 91 then return in_set(c, j, ep) end
  return pc == c
end

local match_here

-- the matcher one pattern item deeper
local function do_match(s, j)
  depth = depth + 1
  if depth > MAX_DEPTH then fail("pattern too complex") end
  local result = match_here(s, j)
  depth = depth - 1
  return result
end

local function match_balance(s, j)
  if j + 1 > PN then fail("unbalanced pattern") end
  local open, close = byte(P, j), byte(P, j + 1)
  if byte(S, s) ~= open then return nil end
  local count = 1
  local start = s
  s = s + 1
  while s <= N do
    local c = byte(S, s)
    if c == close then
      count = count - 1
      if count == 0 then
        spend(s - start)
        return s + 1
      end
    elseif c == open then
      count = count + 1
    end
    s = s + 1
  end
  spend(s - start)
  return nil
end

local function max_expand(s, j, ep)
  local i, pc = 0, byte(P, j)
  if pc == 46 then -- .
    i = N - s + 1
  elseif pc == 37 and CLASSES[byte(P, j + 1)] then
    local set = CLASSES[byte(P, j + 1)]
    while s + i <= N and set[byte(S, s + i)] do i = i + 1 end
  else
    while s + i <= N and single_match(byte(S, s + i), j, ep) do i = i + 1 end
  end
  spend(i)
  depth = depth + 1
  if depth > MAX_DEPTH then fail("pattern too complex") end
  j = ep + 1
  while i >= 0 do
    local result = match_here(s + i, j)
    if result then
      depth = depth - 1
      return result
    end
    i = i - 1
  end
  depth = depth - 1
  return nil
end

local function min_expand(s, j, ep)
  depth = depth + 1
  if depth > MAX_DEPTH then fail("pattern too complex") end
  local next = ep + 1
  while true do
    local result = match_here(s, next)
    if result then
      depth = depth - 1
      return result
    end
    if s <= N and single_match(byte(S, s), j, ep) then
      s = s + 1
    else
      depth = depth - 1
      return nil
    end
  end
end

local function start_capture(s, j, what)
  if level >= 32 then fail("too many captures") end
  level = level + 1
  capture_start[level], capture_length[level] = s, what
  local result = do_match(s, j)
  if not result then level = level - 1 end
  return result
end

local function end_capture(s, j)
  local l = level
  while l >= 1 and capture_length[l] ~= UNFINISHED do l = l - 1 end
  if l < 1 then fail("invalid pattern capture") end
  capture_length[l] = s - capture_start[l]
  local result = do_match(s, j)
  if not result then capture_length[l] = UNFINISHED end
  return result
end

local function match_capture(s, digit)
  local l = digit - 48
  if l < 1 or l > level or capture_length[l] == UNFINISHED then
    fail("invalid capture index")
  end
  local length = capture_length[l]
  if length < 0 or N - s + 1 < length then return nil end -- a position capture never matches
  spend(length)
  local start = capture_start[l]
  if sub(S, start, start + length - 1) ~= sub(S, s, s + length - 1) then return nil end
  return s + length
end

-- the end (one past) of the match of P from j at S from s, or nil
function match_here(s, j)
  while true do
    steps = steps + 1
    if steps > MAX_STEPS then fail("pattern too costly") end
    local pc = byte(P, j)
    if j > PN then
      return s
    elseif pc == 40 then -- (
      if byte(P, j + 1) == 41 then return start_capture(s, j + 2, POSITION) end
      return start_capture(s, j + 1, UNFINISHED)
    elseif pc == 41 then -- )
      return end_capture(s, j + 1)
    elseif pc == 36 and j == PN then -- $ at the end
      if s == N + 1 then return s end
      return nil
    elseif pc == 37 and byte(P, j + 1) == 98 then -- %b
      s = match_balance(s, j + 2)
      if not s then return nil end
      j = j + 4
    elseif pc == 37 and byte(P, j + 1) == 102 then -- %f
      j = j + 2
      if byte(P, j) ~= 91 or j > PN then fail("missing '[' after '%f' in pattern") end
      local ep = class_end(j)
      local previous = s == 1 and 0 or byte(S, s - 1)
      local current = byte(S, s) or 0
      if in_set(previous, j, ep) or not in_set(current, j, ep) then
        return nil
      end
      j = ep
    elseif pc == 37 and j + 1 <= PN and CLASSES[100][byte(P, j + 1)] then -- %0-%9
      s = match_capture(s, byte(P, j + 1))
      if not s then return nil end
      j = j + 2
    else
      local ep = ENDS[j] or class_end(j)
      local matched = false
      if s <= N then
        if pc == 46 then
          matched = true
        elseif pc == 37 or pc == 91 then
          matched = single_match(byte(S, s), j, ep)
        else
          matched = byte(S, s) == pc
        end
      end
      local quantifier = ep <= PN and byte(P, ep)
      if quantifier == 63 then -- ?
        if matched then
          local result = do_match(s + 1, ep + 1)
          if result then return result end
        end
        j = ep + 1
      elseif quantifier == 42 then -- *
        return max_expand(s, j, ep)
      elseif quantifier == 43 then -- +
        if not matched then return nil end
        return max_expand(s + 1, j, ep)
      elseif quantifier == 45 then -- -
        return min_expand(s, j, ep)
      else
        if not matched then return nil end
        s = s + 1
        j = ep
      end
    end
  end
end

-- capture i (1-based) of the match from s to e (one past); the whole match when there are none
local function capture(i, s, e)
  if i > level then
    if i ~= 1 then fail("invalid capture index") end
    return sub(S, s, e - 1)
  end
  local length = capture_length[i]
  if length == UNFINISHED then fail("unfinished capture") end
  if length == POSITION then return capture_start[i] end
  return sub(S, capture_start[i], capture_start[i] + length - 1)
end

local function captures(s, e)
  local count = (level == 0 and s) and 1 or level
  spend(count)
  local values = {}
  for i = 1, count do values[i] = capture(i, s, e) end
  return unpack(values, 1, count)
end

-- string.find with a plain pattern: memchr for the first byte, then a compare, each counted
local function plain_find(s, p, init)
  local m, n = #p, #s
  if m == 0 then return init + 1 end
  if m > n - init then return nil end
  local first, last = sub(p, 1, 1), n - m + 1
  local i = init + 1
  while true do
    i = cfind(s, first, i, true)
    if not i or i > last then return nil end
    spend(1 + floor(m / 16))
    if sub(s, i, i + m - 1) == p then return i end
    i = i + 1
  end
end

local SPECIALS = "[%^%$%*%+%?%.%(%[%%%-]"

local function find_or_match(name, find, s, p, init, plain)
  s = check_string(s, 1, name)
  p = check_string(p, 2, name)
  local n = #s
  init = opt_integer(init, 3, name, 1)
  if init < 0 then init = init + n + 1 end
  init = init - 1
  if init < 0 then init = 0 elseif init > n then init = n end
  if too_long(s) or too_long(p) then fail("string too long") end
  set_state(s, p)
  if find and (plain or not cfind(sub(p, 1, PN), SPECIALS)) then
    local start = plain_find(s, p, init)
    if start then return start, start + #p - 1 end
    return nil
  end
  local anchor = byte(p, 1) == 94 and PN >= 1
  local from = anchor and 2 or 1
  local s1 = init + 1
  repeat
    level, depth = 0, 0
    local e = do_match(s1, from)
    if e then
      if find then return s1, e - 1, captures(nil, e) end
      return captures(s1, e)
    end
    s1 = s1 + 1
  until s1 > n + 1 or anchor
  return nil
end

local function find(s, p, init, plain)
  return find_or_match("find", true, s, p, init, plain)
end
local function match(s, p, init)
  return find_or_match("match", false, s, p, init)
end

local function gmatch(s, p)
  s = check_string(s, 1, "gmatch")
  p = check_string(p, 2, "gmatch")
  if too_long(s) or too_long(p) then fail("string too long") end
  local start = 1
  return guarded(function()
    set_state(s, p)
    for from = start, N + 1 do
      level, depth = 0, 0
      local e = do_match(from, 1)
      if e then
        start = e == from and e + 1 or e
        return captures(from, e)
      end
    end
    start = N + 2
  end)
end

-- a replacement string as pieces: strings, and capture numbers (0 is the whole match)
local function replacement_pieces(text)
  local pieces, literal, i = {}, {}, 1
  while i <= #text do
    local percent = cfind(text, "%", i, true)
    literal[#literal + 1] = sub(text, i, (percent or #text + 1) - 1)
    if not percent then break end
    local c = byte(text, percent + 1) or 0 -- a final "%" adds a "\0", as Lua 5.1's does
    if CLASSES[100][c] then
      pieces[#pieces + 1] = concat(literal)
      pieces[#pieces + 1] = c - 48
      literal = {}
    else
      literal[#literal + 1] = char(c)
    end
    i = percent + 2
  end
  pieces[#pieces + 1] = concat(literal)
  spend(#pieces)
  return pieces
end

local function gsub(s, p, replacement, limit)
  s = check_string(s, 1, "gsub")
  p = check_string(p, 2, "gsub")
  local n = #s
  local kind = type(replacement)
  limit = opt_integer(limit, 4, "gsub", n + 1)
  if kind ~= "number" and kind ~= "string" and kind ~= "function" and kind ~= "table" then
    argument_error(3, "gsub", "string/function/table expected")
  end
  if too_long(s) or too_long(p) or too_long(replacement) then fail("string too long") end
  local pieces = (kind == "string" or kind == "number") and replacement_pieces(tostring(replacement))
  local anchor = byte(p, 1) == 94
  local from = anchor and 2 or 1
  local out, count, src, copied = {}, 0, 1, 1
  set_state(s, p)
  while count < limit do
    level, depth = 0, 0
    local e = do_match(src, from)
    if e then
      count = count + 1
      out[#out + 1] = sub(s, copied, src - 1)
      local value
      if pieces then
        spend(#pieces)
        for i = 1, #pieces do
          local piece = pieces[i]
          if type(piece) == "number" then
            piece = piece == 0 and sub(s, src, e - 1) or capture(piece, src, e)
          end
          out[#out + 1] = piece
        end
        value = true
      elseif kind == "function" then
        value = replacement(captures(src, e))
        set_state(s, p)
      else
        value = replacement[capture(1, src, e)]
      end
      if value ~= true then
        if not value then
          value = sub(s, src, e - 1)
        elseif type(value) ~= "string" and type(value) ~= "number" then
          fail("invalid replacement value (a " .. type(value) .. ")")
        end
        out[#out + 1] = value
      end
      copied = e
    end
    if e and e > src then
      src = e
    elseif src <= n then
      src = src + 1 -- the byte at src stays in the text copied as it is
    else
      break
    end
    if anchor then break end
  end
  out[#out + 1] = sub(s, copied)
  return concat(out), count
end

-- Every name of Lua 5.1's string library is there, as in the client: a rockspec that could see a
-- missing key (`("").dump == nil`) would know it runs here and could show us one package and the
-- client another. What we refuse raises when called, and an error fails the upload.
-- the linear functions cost a step, and a step per 64 bytes (or values) they give
local function charge_bytes(size)
  steps = steps + 1 + floor(size / 64)
  if steps > MAX_STEPS then fail("string functions too costly") end
end
local function charge(...)
  local first = ...
  charge_bytes(type(first) == "string" and #first or select("#", ...))
  return ...
end
local function linear(f)
  return guarded(function(...) bounded(...) return charge(f(...)) end)
end
local library = {
  byte = linear(byte), char = linear(char), format = linear(format),
  len = string.len, lower = linear(lower), upper = linear(upper),
  reverse = linear(reverse), sub = linear(sub),
  rep = guarded(function(s, n, ...)
    bounded(s)
    local count = tonumber(n) -- what is not a number gets rep's own error
    if count and (count > MAX_STRING or #tostring(s) * count > MAX_STRING) then
      fail("string too long")
    end
    if count and count > 0 then charge_bytes(#tostring(s) * count) end
    return rep(s, n, ...)
  end),
  find = guarded(find), match = guarded(match), gsub = guarded(gsub),
  gmatch = guarded(gmatch),
  dump = guarded(function() fail("string.dump is not available in a rockspec") end),
}
library.gfind = library.gmatch -- in Lua 5.1 the same function as gmatch (LUA_COMPAT_GFIND)
getmetatable("").__index = library

local collect = collectgarbage

return function(source, clock, deadline, budget, interval)
  -- memory kept back for reporting an error: a rockspec that fills the memory limit would
  -- otherwise leave none for the message
  local reserve = rep("\0", 256 * 1024)
  local chunk, message = loadstring(source, CHUNK)
  if not chunk then return "parse", message end
  local spec = {}
  setfenv(chunk, spec)
  local thread = create(chunk)
  local hooks = 0
  sethook(thread, function()
    hooks = hooks + 1
    if hooks > budget then error(where() .. "instruction limit reached", 0) end
    if clock() > deadline then error(where() .. "time limit reached", 0) end
  end, "", interval)
  local ok, problem = resume(thread)
  reserve = nil
  if not ok or collect("count") * 1024 > memory - 512 * 1024 then
    collect() -- the reserve is free again, for the error message or for handing the result over
  end
  if not ok then
    if type(problem) ~= "string" then problem = "error object is a " .. type(problem) .. " value" end
    if sub(problem, 1, #AT_ROCKSPEC) ~= AT_ROCKSPEC then
      -- "not enough memory" has no position: the dead thread's stack still tells the line
      for level = 0, 2000 do
        local info = getinfo(thread, level, "Sl")
        if not info then break end
        if info.source == CHUNK and info.currentline > 0 then
          problem = info.short_src .. ":" .. info.currentline .. ": " .. problem
          break
        end
      end
    end
    return "eval", problem
  end
  return "ok", spec
end
