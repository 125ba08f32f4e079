--[[
The real Luanti 5.6 main menu, driven from inside the engine (tests/e2e/test_luanti_engine.py).

This file is the engine's `main_menu_script`. It loads the stock main menu unchanged, then presses
its buttons by calling `core.button_handler(fields)`: the function the engine itself calls when the
user presses a formspec button, with the same fields. So the stock content store
(builtin/mainmenu/dlg_contentstore.lua and pkgmgr.lua of Debian's minetest-data) does all the work
through the engine's C++ side: HTTP (libcurl), downloads, zip extraction, copying into mods/.

It talks with the test through files in the folder of the `regtest_dir` setting:
  engine/<step>.json  written when a step is done, with what the test asserts on
  engine/error.json   a Lua error, or an error message the menu showed; the engine then quits
  test/<flag>         written by the test when the engine may go on (after taking a screenshot)

5.6 has no package page of its own: its "view" button hands `{base}/packages/<author>/<name>` to the
web browser (core.open_url), which the driver catches and reports. (Its menu cannot render hypertext
either; tests/e2e/luanti/regtest_page/ shows our package page in game instead.)
]]

dofile(core.get_mainmenu_path() .. DIR_DELIM .. "init.lua")

local settings = core.settings
local exchange = settings:get("regtest_dir")
local phase = settings:get("regtest_phase")
local search_for = settings:get("regtest_search")
local mod_names = settings:get("regtest_mods"):split(",")
local version = core.get_version()
local finished = false

-- Talking with the test ------------------------------------------------------------------------

local function report(name, data)
	assert(core.safe_file_write(exchange .. "/engine/" .. name .. ".json", core.write_json(data)))
end

local function test_says(flag)
	local file = io.open(exchange .. "/test/" .. flag, "r")
	if file then
		file:close()
		return true
	end
	return false
end

local function quit()
	finished = true
	core.close()
end

-- Reading the menu's state ---------------------------------------------------------------------

local function press(fields)
	core.button_handler(fields)
end

-- The formspec a dialog shows now, or nil when it is not open (or hidden behind another one).
local function formspec_of(name)
	local dialog = ui.find_by_name(name)
	if dialog and not dialog.hidden then
		return dialog:get_formspec()
	end
	return nil
end

local function store_formspec()
	return formspec_of("store")
end

-- Every file under `path`, as paths relative to it.
local function list_files(path, prefix, out)
	out = out or {}
	prefix = prefix or ""
	for _, name in ipairs(core.get_dir_list(path, false)) do
		out[#out + 1] = prefix .. name
	end
	for _, name in ipairs(core.get_dir_list(path, true)) do
		list_files(path .. DIR_DELIM .. name, prefix .. name .. "/", out)
	end
	table.sort(out)
	return out
end

local function installed_mods()
	local mods = {}
	for _, name in ipairs(mod_names) do
		local path = core.get_modpath() .. DIR_DELIM .. name
		if core.is_dir(path) then
			mods[name] = {
				conf = Settings(path .. DIR_DELIM .. "mod.conf"):to_table(),
				files = list_files(path),
			}
		end
	end
	return mods
end

-- The store is idle: nothing downloading or queued and no update offered ("No updates").
local function store_idle()
	local formspec = store_formspec()
	return formspec ~= nil and formspec:find("status;" .. fgettext("No updates"), 1, true) ~= nil
end

-- Which tab of the main tab view has this name.
local function tab_index(name)
	for index, tab in ipairs(ui.find_by_name("maintab").tablist) do
		if tab.name == name then
			return tostring(index)
		end
	end
	error("no main menu tab " .. name)
end

-- The "view" button hands a web address to the browser; keep it for the test instead.
local opened_urls = {}
core.open_url = function(url)
	opened_urls[#opened_urls + 1] = url
	return true
end

-- The steps ------------------------------------------------------------------------------------
-- Each step waits until `ready()` holds (on two ticks in a row, so the engine has drawn at least
-- one frame of that state before the test takes a screenshot), then `run()` presses buttons and
-- returns what is reported to the test.

local open_store = {
	{name = "menu", run = function()
		press({maintab = tab_index("content")})
		return {
			version = version.string,
			protocol = core.get_max_supp_proto(),
			user_path = core.get_user_path(),
			mod_path = core.get_modpath(),
			cache_path = core.get_cache_path(),
			phase = phase,
		}
	end},
	{name = "store_opened", run = function()
		press({btn_contentdb = fgettext("Browse online content")})
		return {formspec = store_formspec()}
	end},
}

local install_steps = {
	{name = "store_list", ready = function()
		-- every thumbnail on the page has arrived (or failed: the test checks which)
		local formspec = store_formspec()
		return formspec ~= nil and not formspec:find("loading_screenshot.png", 1, true)
	end, run = function()
		return {
			formspec = store_formspec(),
			thumbnails = core.get_dir_list(core.get_cache_path() .. DIR_DELIM .. "cdb", false),
		}
	end},
	{name = "search", ready = function() return test_says("store_shot") end, run = function()
		press({search = "", search_string = search_for})
		return {formspec = store_formspec()}
	end},
	{name = "view", run = function()
		press({view_1 = ""})
		return {opened_urls = opened_urls, formspec = store_formspec()}
	end},
	{name = "install_dialog", run = function()
		press({install_1 = ""})
		return {formspec = formspec_of("install_dialog")}
	end},
	{name = "install_pressed", ready = function()
		return formspec_of("install_dialog") ~= nil
	end, run = function()
		press({install_all = fgettext("Install")})
		return {formspec = store_formspec()}
	end},
	{name = "installed", ready = function()
		local mods = installed_mods()
		for _, name in ipairs(mod_names) do
			if not (mods[name] and mods[name].conf.release) then
				return false
			end
		end
		return store_idle()
	end, run = function()
		return {mods = installed_mods(), formspec = store_formspec()}
	end},
	{name = "quit", run = quit},
}

local update_steps = {
	{name = "update_offered", ready = function()
		local formspec = store_formspec()
		return formspec ~= nil and formspec:find("update_all;", 1, true) ~= nil
	end, run = function()
		local before = {mods = installed_mods(), formspec = store_formspec()}
		press({update_all = ""})
		return before
	end},
	{name = "updated", ready = store_idle, run = function()
		return {mods = installed_mods(), formspec = store_formspec()}
	end},
	{name = "quit", run = quit},
}

local steps = {}
for _, list in ipairs({open_store, phase == "update" and update_steps or install_steps}) do
	for _, step in ipairs(list) do
		steps[#steps + 1] = step
	end
end

-- The tick: an async job that returns at once; its callback runs on the engine's next frame ------

local current, streak = 1, 0

local function fail(data)
	data.step = steps[current] and steps[current].name
	report("error", data)
	quit()
end

local function advance()
	if gamedata.errormessage then  -- what the menu would show in its error dialog
		fail({menu_error = gamedata.errormessage})
		return
	end
	local step = steps[current]
	if step.ready and not step.ready() then
		streak = 0
		return
	end
	streak = streak + 1
	if step.ready and streak < 2 then
		return
	end
	streak = 0
	local data = step.run() or {}
	current = current + 1
	if not finished then
		report(step.name, data)
	end
end

local function tick()
	core.handle_async(function() return true end, nil, function()
		local ok, message = xpcall(advance, debug.traceback)
		if not ok then
			fail({lua_error = message})
		end
		if not finished then
			tick()
		end
	end)
end

tick()
