/** Build information of this clusterctl, shaped like the Go tool's version.Info. */

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export interface BuildFacts {
  packageVersion: string;
  runtimeVersion: string;
  platform: string;
  arch: string;
  gitCommit?: string | undefined;
  buildDate?: string | undefined;
}

export function getVersionInfo(facts: BuildFacts): VersionInfo {
  const [major = '', minor = ''] = facts.packageVersion.split('.');
  return {
    major,
    minor,
    gitVersion: `v${facts.packageVersion}`,
    gitCommit: facts.gitCommit ?? '',
    gitTreeState: facts.gitCommit ? 'clean' : '',
    buildDate: facts.buildDate ?? '',
    // The Go tool reports its Go runtime here; ours reports the Node.js runtime.
    goVersion: `node${facts.runtimeVersion.replace(/^v/, '')}`,
    compiler: 'node',
    platform: `${facts.platform}/${facts.arch === 'x64' ? 'amd64' : facts.arch}`,
  };
}

/** The Go tool's default output: `clusterctl version: &version.Info{Major:"1", ...}`. */
export function formatVersionGoStyle(info: VersionInfo): string {
  const fields: [string, string][] = [
    ['Major', info.major],
    ['Minor', info.minor],
    ['GitVersion', info.gitVersion],
    ['GitCommit', info.gitCommit],
    ['GitTreeState', info.gitTreeState],
    ['BuildDate', info.buildDate],
    ['GoVersion', info.goVersion],
    ['Compiler', info.compiler],
    ['Platform', info.platform],
  ];
  return `clusterctl version: &version.Info{${fields.map(([k, v]) => `${k}:${JSON.stringify(v)}`).join(', ')}}`;
}
