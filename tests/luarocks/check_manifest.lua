-- Loads a manifest file the way luarocks 3.8 does (core.persist) and runs the client's own type
-- check on it; prints "name<TAB>version<TAB>arch,arch" lines. Exit 2: does not load, 3: rejected.
package.path = '/usr/share/lua/5.1/?.lua;' .. package.path
local cfg = require("luarocks.core.cfg")
cfg.init()
local persist = require("luarocks.core.persist")
local type_manifest = require("luarocks.type.manifest")
local manifest, globals = persist.load_into_table(arg[1])
if not manifest then io.stderr:write("load: ", tostring(globals), "\n") os.exit(2) end
local ok, err = type_manifest.check(manifest, globals)
if not ok then io.stderr:write("check: ", err, "\n") os.exit(3) end
local names = {}
for name, versions in pairs(manifest.repository) do
  for version, items in pairs(versions) do
    local arches = {}
    for _, item in ipairs(items) do arches[#arches + 1] = item.arch end
    names[#names + 1] = name .. "\t" .. version .. "\t" .. table.concat(arches, ",")
  end
end
table.sort(names)
for _, line in ipairs(names) do print(line) end
