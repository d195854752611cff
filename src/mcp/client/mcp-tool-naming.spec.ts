import { disambiguated, mcpToolName } from './mcp-tool-naming';

describe('mcpToolName', () => {
  it('names a tool mcp__<server>__<tool>', () => {
    expect(mcpToolName('files', 'read_file')).toBe('mcp__files__read_file');
  });

  it('replaces every character outside [a-zA-Z0-9_-] with _', () => {
    expect(mcpToolName('my server', 'get.weather/now!')).toBe('mcp__my_server__get_weather_now_');
    expect(mcpToolName('ünï', 'tool:x')).toMatch(/^[a-zA-Z0-9_-]+$/);
  });

  it('keeps names at 64 characters, different long names staying different', () => {
    const a = mcpToolName('server', `${'x'.repeat(80)}a`);
    const b = mcpToolName('server', `${'x'.repeat(80)}b`);
    expect(a).toHaveLength(64);
    expect(b).toHaveLength(64);
    expect(a).not.toBe(b);
    expect(a).toMatch(/^mcp__server__x+_[0-9a-f]{8}$/);
  });

  it('is stable: the same tool always gets the same name', () => {
    expect(mcpToolName('s', 'y'.repeat(100))).toBe(mcpToolName('s', 'y'.repeat(100)));
  });

  it('gives a clashing name a distinct, valid alternative', () => {
    const name = mcpToolName('a', 'b.c');
    const other = disambiguated(name, 'a', 'b c');
    expect(other).not.toBe(name);
    expect(other).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
  });
});
