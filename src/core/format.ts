/** Small text formatting helpers shared by core and the CLI (pure, no terminal access). */
/**
 * Column alignment like Go's text/tabwriter with flags 0 and a space pad character: every cell
 * but the last of a line is padded to the widest cell of its column plus `padding`, at least
 * `minWidth`. The last cell is written as is.
 */
export function tabwrite(rows: readonly (readonly string[])[], options: { minWidth: number; padding: number }): string {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      if (i === row.length - 1) return;
      widths[i] = Math.max(widths[i] ?? 0, Math.max(cell.length + options.padding, options.minWidth));
    });
  }
  return rows
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('') + '\n')
    .join('');
}

/** A duration for progress lines: `4.2s` under a minute, else `3m` or `3m20s`. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return s === 0 ? `${m}m` : `${m}m${s}s`;
}
