-- A real LSP client driving `changeos lsp`: Neovim's built-in one (0.7, as Debian ships it).
-- Run by tests/it/neovim.rs: CHANGEOS=… PAYLOAD=… OUT=… nvim --headless -u NONE -c "luafile client.lua"
-- It opens a payload with known findings, waits for the diagnostics, applies one quick fix,
-- then the fix-all code action, formats, and writes what it saw to $OUT as JSON.

local changeos = os.getenv('CHANGEOS')
local out = os.getenv('OUT')
local payload = os.getenv('PAYLOAD')

local result = { diagnostics = {}, quickfix = nil, after_quickfix = nil, after_fix = nil, after_format = nil, errors = {} }

local function finish()
  local f = assert(io.open(out, 'w'))
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qall!')
end

vim.cmd('filetype on')
assert(vim.fn.executable('changeos') == 1, 'changeos is on PATH: ' .. tostring(changeos))

-- The set-up docs/lsp.md shows, as it is: every JSON buffer gets the server.
vim.api.nvim_create_autocmd('FileType', {
  pattern = 'json',
  callback = function(args)
    local client = vim.lsp.start_client({ name = 'changeos', cmd = { 'changeos', 'lsp' } })
    vim.lsp.buf_attach_client(args.buf, client)
  end,
})

local ok, err = pcall(function()
  vim.cmd('edit ' .. payload)
  local buf = vim.api.nvim_get_current_buf()
  assert(vim.bo[buf].filetype == 'json', 'the payload is a JSON buffer: ' .. vim.bo[buf].filetype)
  -- The client is the buffer's once the server has answered `initialize`.
  vim.wait(10000, function() return next(vim.lsp.buf_get_clients(buf)) ~= nil end, 50)
  local client_id = next(vim.lsp.buf_get_clients(buf))
  assert(client_id, 'the autocommand attached a client')

  -- The diagnostics of the opened payload.
  vim.wait(10000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, { code = d.code, lnum = d.lnum, col = d.col, severity = d.severity })
  end

  local client = vim.lsp.get_client_by_id(client_id)

  -- One quick fix: the first action offered at the unknown member (a key in the wrong case).
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == 'unknown-member' then
      local at = {
        textDocument = { uri = vim.uri_from_bufnr(buf) },
        range = { start = { line = d.lnum, character = d.col }, ['end'] = { line = d.end_lnum, character = d.end_col } },
        context = { diagnostics = {}, only = { 'quickfix' } },
      }
      local offered = client.request_sync('textDocument/codeAction', at, 10000, buf)
      local first = ((offered and offered.result) or {})[1]
      assert(first and first.edit, 'a quick fix is offered at the unknown member: ' .. vim.inspect(offered))
      result.quickfix = first.title
      vim.lsp.util.apply_workspace_edit(first.edit, client.offset_encoding)
    end
  end
  result.after_quickfix = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')

  -- The fix-all action for the rest, applied as the editor applies a workspace edit.
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = vim.api.nvim_buf_line_count(buf), character = 0 } },
    context = { diagnostics = {}, only = { 'source.fixAll' } },
  }
  local response = client.request_sync('textDocument/codeAction', params, 10000, buf)
  for _, action in ipairs((response and response.result) or {}) do
    if action.edit then
      vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding)
    end
  end
  result.after_fix = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')

  -- Formatting, as `:lua vim.lsp.buf.formatting_sync()` does.
  vim.lsp.buf.formatting_sync(nil, 10000)
  result.after_format = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), '\n')
end)
if not ok then
  table.insert(result.errors, tostring(err))
end
finish()
