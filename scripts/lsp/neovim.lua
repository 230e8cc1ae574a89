-- Drives `wotrules lsp` from a real Neovim (headless): open a rule file, type a typo, wait
-- for the diagnostic, fix it, wait for it to clear; hover and go to definition on the way.
-- Run by scripts/lsp/neovim.sh, which passes WOTRULES, RULES and FILE in the environment.
local wotrules, rules, file = os.getenv("WOTRULES"), os.getenv("RULES"), os.getenv("FILE")
local function say(text) io.stdout:write(text .. "\n") end
local function fail(text) say("FAILED: " .. text); vim.cmd("cquit 1") end

vim.cmd("edit " .. file)
local buffer = vim.api.nvim_get_current_buf()
local exit_code
local client_id = vim.lsp.start_client({
  name = "wotrules",
  cmd = { wotrules, "lsp", "--rules", rules },
  root_dir = rules,
  on_exit = function(code) exit_code = code end,
})
if not client_id then fail("the server did not start") end
vim.lsp.buf_attach_client(buffer, client_id)
local client = vim.lsp.get_client_by_id(client_id)
if not vim.wait(10000, function() return client.initialized end, 20) then
  fail("no initialize response")
end
say("started: " .. wotrules .. " lsp (" .. client.name .. ")")

local function errors()
  return vim.diagnostic.get(buffer, { severity = vim.diagnostic.severity.ERROR })
end

-- The typo: `record.awarded` becomes `record.awardd` on the first line that has it.
local lines = vim.api.nvim_buf_get_lines(buffer, 0, -1, false)
local row
for index, line in ipairs(lines) do
  if line:find("record.awarded", 1, true) then row = index; break end
end
if not row then fail("no `record.awarded` in " .. file) end
local original = lines[row]
local typo = original:gsub("record%.awarded", "record.awardd", 1)
vim.api.nvim_buf_set_lines(buffer, row - 1, row, false, { typo })
say("typed: line " .. row .. ": " .. vim.trim(typo))
if not vim.wait(10000, function() return #errors() > 0 end, 20) then
  fail("no diagnostic for the typo")
end
for _, d in ipairs(errors()) do
  say(string.format("diagnostic: %d:%d-%d: %s", d.lnum + 1, d.col + 1, d.end_col + 1,
    d.message:gsub("\n", " | ")))
end

vim.api.nvim_buf_set_lines(buffer, row - 1, row, false, { original })
say("fixed: line " .. row .. ": " .. vim.trim(original))
if not vim.wait(10000, function() return #errors() == 0 end, 20) then
  fail("the diagnostic stayed after the fix")
end
say("cleared: " .. #errors() .. " errors")

-- Hover on `awarded` in the fixed line.
local column = original:find("awarded", 1, true) + 1
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buffer) },
  position = { line = row - 1, character = column },
}
local hover = vim.lsp.buf_request_sync(buffer, "textDocument/hover", params, 10000)
local value = hover and hover[client_id] and hover[client_id].result
if not value then fail("no hover") end
say("hover: " .. value.contents.value:gsub("\n", " | "))

client.stop()
if not vim.wait(10000, function() return exit_code ~= nil end, 20) then
  fail("the server did not stop")
end
say("server exit code: " .. exit_code)
if exit_code ~= 0 then fail("the server exited with " .. exit_code) end
say("ok")
vim.cmd("qall!")
