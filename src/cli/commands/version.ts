import type { Command } from 'commander';
import { stringify } from 'yaml';
import { ClusterctlError } from '../../errors.js';
import { formatVersionGoStyle, getVersionInfo } from '../../core/version.js';
import type { CommandRunner } from '../context.js';
import { packageVersion } from '../package-info.js';

export function registerVersion(program: Command, run: CommandRunner): void {
  program
    .command('version')
    .description('Print clusterctl version')
    .option('-o, --output <format>', 'Output format; available options are "yaml", "json" and "short"', '')
    .action(
      run<{ output: string }>((ctx, opts) => {
        const info = getVersionInfo({
          packageVersion: packageVersion(),
          runtimeVersion: process.version,
          platform: process.platform,
          arch: process.arch,
          gitCommit: ctx.env.CLUSTERCTL_TS_GIT_COMMIT,
        });
        switch (opts.output) {
          case '':
            ctx.out(formatVersionGoStyle(info) + '\n');
            return;
          case 'short':
            ctx.out(info.gitVersion + '\n');
            return;
          case 'yaml':
            ctx.out(stringify({ clusterctl: info }));
            return;
          case 'json':
            ctx.out(JSON.stringify({ clusterctl: info }, null, '  ') + '\n');
            return;
          default:
            throw new ClusterctlError('INVALID_ARGUMENT', `invalid output format: ${opts.output}`, {
              hint: 'Use -o short, -o yaml or -o json (or no -o).',
            });
        }
      }),
    );
}
