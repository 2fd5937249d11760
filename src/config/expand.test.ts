import { describe, expect, it } from 'vitest';
import { expandEnv } from './expand.js';

describe('expandEnv', () => {
  const env = { HOME: '/home/u', EMPTY: '', REPO: '/repo' };
  it.each([
    ['${HOME}/repo', '/home/u/repo'],
    ['$HOME/repo', '/home/u/repo'],
    ['${MISSING}x', 'x'],
    ['${MISSING:-/default}/a', '/default/a'],
    ['${EMPTY:-d}', 'd'],
    ['${EMPTY-d}', ''],
    ['${MISSING=d}', 'd'],
    ['${HOME:+set}', 'set'],
    ['${MISSING:+set}', ''],
    ['${MISSING:-${REPO}}/x', '/repo/x'],
    ['cost $$5 and $', 'cost $5 and $'],
    ['https://github.com/o/r/releases/latest/x.yaml', 'https://github.com/o/r/releases/latest/x.yaml'],
  ])('%s', (text, expected) => {
    expect(expandEnv(text, env)).toBe(expected);
  });

  it('rejects a missing closing brace', () => {
    expect(() => expandEnv('${HOME', env)).toThrow(/missing closing brace/);
  });
});
