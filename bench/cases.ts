/** The command-level benchmark cases: the same argv for both tools. */

export interface BenchCase {
  name: string;
  args: string[];
  env?: Record<string, string>;
  /** false: run ours only. */
  go?: boolean;
  prepare?: () => void;
}

export function benchCases(_root: string, _work: string): BenchCase[] {
  return [{ name: 'version -o short (process start)', args: ['version', '-o', 'short'] }];
}
