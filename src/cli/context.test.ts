import { describe, expect, it } from 'vitest';
import { chooseReporterMode, colorEnabled, parseVerbosity } from './context.js';

describe('output mode', () => {
  it('uses spinners only on a sized terminal outside CI and without -v', () => {
    expect(chooseReporterMode({ stderr: { isTTY: true, columns: 120 }, ci: false, verbosity: 0 })).toBe('tty');
    expect(chooseReporterMode({ stderr: { isTTY: true, columns: 120 }, ci: true, verbosity: 0 })).toBe('plain');
    expect(chooseReporterMode({ stderr: { isTTY: true, columns: 120 }, ci: false, verbosity: 1 })).toBe('plain');
    expect(chooseReporterMode({ stderr: { isTTY: false }, ci: false, verbosity: 0 })).toBe('plain');
    expect(chooseReporterMode({ stderr: { isTTY: false }, ci: false, verbosity: 0, outputFormat: 'json' })).toBe(
      'json',
    );
  });

  it('falls back to plain lines on a terminal without a width (init hung there with a spinner)', () => {
    expect(chooseReporterMode({ stderr: { isTTY: true, columns: 0 }, ci: false, verbosity: 0 })).toBe('plain');
    expect(chooseReporterMode({ stderr: { isTTY: true }, ci: false, verbosity: 0 })).toBe('plain');
  });

  it('honours NO_COLOR and FORCE_COLOR', () => {
    expect(colorEnabled({}, { isTTY: true })).toBe(true);
    expect(colorEnabled({ NO_COLOR: '1' }, { isTTY: true })).toBe(false);
    expect(colorEnabled({}, { isTTY: false })).toBe(false);
    expect(colorEnabled({ FORCE_COLOR: '1' }, { isTTY: false })).toBe(true);
  });

  it('parses -v and CLUSTERCTL_LOG_LEVEL, rejecting non-integers', () => {
    expect(parseVerbosity(undefined, {})).toBe(0);
    expect(parseVerbosity('3', {})).toBe(3);
    expect(parseVerbosity(undefined, { CLUSTERCTL_LOG_LEVEL: '5' })).toBe(5);
    expect(() => parseVerbosity('x', {})).toThrow(/non-negative integer/);
  });
});
