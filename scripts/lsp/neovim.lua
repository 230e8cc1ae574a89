-- Drives `wotrules lsp` from a real Neovim (headless), started by the README's snippet
-- (init.lua): open a rule file, type a typo, wait for the diagnostic, apply its quick fix,
-- wait for it to clear; hover; rename a definition and save every file the rename edited.
-- Run by scripts/lsp/neovim.sh, which passes RULES, FILE and RENAMED in the environment.
local file, renamed = os.getenv("FILE"), os.getenv("RENAMED")
local function say(text) io.stdout:write(text .. "\n") end
local function fail(text) say("FAILED: " .. text); vim.cmd("cquit 1") end

vim.cmd("edit " .. file)
local buffer = vim.api.nvim_get_current_buf()
local function client_of(buf)
  for _, client in pairs(vim.lsp.buf_get_clients(buf)) do
    if client.name == "wotrules" then return client end
  end
end
if not vim.wait(10000, function()
  local client = client_of(buffer)
  return client and client.initialized
end, 20) then
  fail("the README's snippet started no server for " .. file)
end
local client = client_of(buffer)
say("started by the README's snippet: " .. table.concat(client.config.cmd, " ") .. " (" .. client.name .. ")")

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
local diagnostic = errors()[1]
say(string.format("diagnostic: %d:%d-%d: %s", diagnostic.lnum + 1, diagnostic.col + 1,
  diagnostic.end_col + 1, diagnostic.message:gsub("\n", " | ")))

-- The quick fix, as the client's code-action menu would apply it.
local params = {
  textDocument = { uri = vim.uri_from_bufnr(buffer) },
  range = {
    start = { line = diagnostic.lnum, character = diagnostic.col },
    ["end"] = { line = diagnostic.end_lnum, character = diagnostic.end_col },
  },
  context = { diagnostics = vim.lsp.diagnostic.get_line_diagnostics(buffer, diagnostic.lnum) },
}
local answers = vim.lsp.buf_request_sync(buffer, "textDocument/codeAction", params, 10000)
local actions = answers and answers[client.id] and answers[client.id].result or {}
if #actions == 0 then fail("no quick fix offered") end
say("quick fix: " .. actions[1].title)
vim.lsp.util.apply_workspace_edit(actions[1].edit, client.offset_encoding)
local fixed = vim.api.nvim_buf_get_lines(buffer, row - 1, row, false)[1]
if fixed ~= original then fail("the quick fix gave: " .. fixed) end
say("fixed: line " .. row .. ": " .. vim.trim(fixed))
if not vim.wait(10000, function() return #errors() == 0 end, 20) then
  fail("the diagnostic stayed after the fix")
end
say("cleared: " .. #errors() .. " errors")

-- Hover on `awarded` in the fixed line.
local column = original:find("awarded", 1, true) + 1
local hover = vim.lsp.buf_request_sync(buffer, "textDocument/hover", {
  textDocument = { uri = vim.uri_from_bufnr(buffer) },
  position = { line = row - 1, character = column },
}, 10000)
local value = hover and hover[client.id] and hover[client.id].result
if not value then fail("no hover") end
say("hover: " .. value.contents.value:gsub("\n", " | "))

-- Rename `experience_points` (its definition) to `experience`, as `:lua vim.lsp.buf.rename()`
-- does after asking for the new name.
vim.cmd("edit " .. renamed)
local member = vim.api.nvim_get_current_buf()
if not vim.wait(10000, function() return client_of(member) ~= nil end, 20) then
  fail("the server was not attached to " .. renamed)
end
vim.fn.search("^  experience_points:")
vim.cmd("normal! ^")
say("rename at " .. vim.fn.line(".") .. ":" .. vim.fn.col(".") .. ": experience_points → experience")
vim.lsp.buf.rename("experience")
if not vim.wait(10000, function()
  return vim.fn.search("experience_points", "nw") == 0
end, 20) then
  fail("the rename changed nothing in " .. renamed)
end
local edited = {}
for _, buf in ipairs(vim.api.nvim_list_bufs()) do
  if vim.bo[buf].modified then
    table.insert(edited, vim.fn.fnamemodify(vim.api.nvim_buf_get_name(buf), ":t"))
  end
end
table.sort(edited)
say("renamed in: " .. table.concat(edited, ", "))
vim.cmd("silent wall")

client.stop()
if not vim.wait(10000, function() return client.is_stopped() end, 20) then
  fail("the server did not stop")
end
say("server stopped")
vim.cmd("qall!")
