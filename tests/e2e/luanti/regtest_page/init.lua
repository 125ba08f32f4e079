--[[
Our package page, rendered by the real 5.6 engine's `hypertext[]` formspec element.

5.6's main menu cannot render hypertext at all (the element needs a game client: "Attempted to use
element hypertext with m_client == nullptr"), so this mod shows the page in game, the way 5.10+
shows it in its menu (docs/protocols/luanti-client.md section 4): our `/for-client/` answer fetched
with the engine's HTTP API, its `long_description` hypertext (head + body) rendered as is, and the
first screenshot as the level-2 thumbnail the newest client asks for.

It also reports which mods the engine loaded: the world enables the ones the content store
installed, so the engine proves they load (dependency found, files in place).

Talks with the test through files in <world>/regtest/ (mod security allows the world folder):
  engine/page.json  the page is on screen (the test takes its screenshot)
  engine/error.json something failed
  test/page_shot    the screenshot is taken: shut down
]]

local http = assert(core.request_http_api(), "regtest_page must be in secure.http_mods")
local base_url = core.settings:get("contentdb_url")
local package = core.settings:get("regtest_package")  -- author/name
local folder = core.get_worldpath() .. "/regtest"

local function report(name, data)
	assert(core.safe_file_write(folder .. "/engine/" .. name .. ".json", core.write_json(data)))
end

local function fail(message)
	report("error", {error = message})
	core.request_shutdown("", false, 0)
end

local function test_says(flag)
	local file = io.open(folder .. "/test/" .. flag, "r")
	if file then
		file:close()
		return true
	end
	return false
end

local function write_file(path, data)
	local file = assert(io.open(path, "wb"))
	file:write(data)
	file:close()
end

local function hypertext_escape(text)
	return (text:gsub("\\", "\\\\"):gsub("<", "\\<"))
end

local function page_formspec(info, image)
	local line = ("by %s  —  %d download%s  —  +%d / %d / -%d  —  %s"):format(
		info.author, info.downloads, info.downloads == 1 and "" or "s",
		info.reviews.positive, info.reviews.neutral,
		info.reviews.negative, info.download_size or "")
	local hypertext = info.long_description.head ..
		"<big><b>" .. hypertext_escape(info.short_description) .. "</b></big>\n" ..
		info.long_description.body
	return table.concat({
		"formspec_version[6]",
		"size[15.75,11.5]",
		"image[0.375,0.375;4.5,3;", core.formspec_escape(image), "]",
		"style_type[label;font_size=+8;font=bold]",
		"label[5.25,0.8;", core.formspec_escape(info.title), "]",
		"style_type[label;font_size=;font=]",
		"label[5.25,1.6;", core.formspec_escape(line), "]",
		"box[0.375,3.6;15,7.525;#ffffff11]",
		"hypertext[0.5,3.7;14.75,7.325;desc;", core.formspec_escape(hypertext), "]",
	})
end

-- A server -> client -> server round trip: the callback runs once the client has taken in
-- everything sent before it, so after two of them the client has drawn the page at least once.
local round_trips = 0
local function round_trip(player_name, done)
	round_trips = round_trips + 1
	local path = core.get_worldpath() .. "/regtest_ping" .. round_trips .. ".png"
	write_file(path, core.encode_png(1, 1, {{r = 0, g = 0, b = 0, a = 0}}))
	assert(core.dynamic_add_media({filepath = path, to_player = player_name, ephemeral = true},
		function() done() end))
end

local function wait_for_screenshot()
	if test_says("page_shot") then
		core.request_shutdown("", false, 0)
	else
		core.after(0.05, wait_for_screenshot)
	end
end

local function show_page(player_name, info, image, image_url)
	local formspec = page_formspec(info, image)
	core.show_formspec(player_name, "regtest_page:page", formspec)
	round_trip(player_name, function()
		round_trip(player_name, function()
			report("page", {info = info, image_url = image_url, formspec = formspec,
				mods = core.get_modnames()})
			wait_for_screenshot()
		end)
	end)
end

core.register_on_joinplayer(function(player)
	local player_name = player:get_player_name()
	local author, name = package:match("^([^/]+)/([^/]+)$")
	local url = ("%s/api/packages/%s/%s/for-client/?protocol_version=%s&engine_version=%s" ..
		"&formspec_version=6&include_images=false"):format(base_url, author, name,
		core.settings:get("regtest_protocol"), core.get_version().string)
	http.fetch({url = url, timeout = 60}, function(result)
		local info = result.succeeded and core.parse_json(result.data)
		if type(info) ~= "table" or info.name ~= name then
			fail("for-client answer: " .. dump(result))
			return
		end
		local shot = info.screenshots and info.screenshots[1]
		if not shot then
			fail("no screenshot in " .. dump(info))
			return
		end
		-- what 5.10+ asks for: the upload's level-2 thumbnail, as PNG unless it is PNG or JPEG
		local image_url = shot.url:gsub("/uploads/", "/thumbnails/2/")
		local extension = image_url:match("%.(%w+)$")
		if extension ~= "png" and extension ~= "jpg" then
			image_url = image_url:sub(1, -#extension - 1) .. "png"
		end
		http.fetch({url = image_url, timeout = 60}, function(image)
			if not (image.succeeded and image.code == 200) then
				fail("thumbnail: " .. dump(image))
				return
			end
			local texture = "regtest_page_" .. name .. ".png"
			local path = core.get_worldpath() .. "/" .. texture
			write_file(path, image.data)
			assert(core.dynamic_add_media({filepath = path, to_player = player_name},
				function() show_page(player_name, info, texture, image_url) end))
		end)
	end)
end)
