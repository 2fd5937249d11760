import type { Command } from 'commander';
import { stringify } from 'yaml';
import { splitProviderUrl } from '../../config/index.js';
import { ClusterctlError } from '../../errors.js';
import { tabwrite } from '../../core/format.js';
import { loadConfig, resolveProviderUrl } from '../config.js';
import type { CommandRunner } from '../context.js';
import { componentsFileForLabel } from '../../adapters/repository/oci.js';
import { manifestLabel, type ProviderConfig } from '../../types.js';

/**
 * URL and file columns; an oci:// URL names a registry repository, its file is the components file;
 * a configmap:// URL names ConfigMaps, whose components are under the `components` key.
 */
function urlColumns(p: ProviderConfig): { dir: string; file: string } {
  if (/^configmap:\/\//i.test(p.url)) return { dir: p.url, file: 'components' };
  if (/^oci:\/\//i.test(p.url)) return { dir: p.url, file: componentsFileForLabel(manifestLabel(p.name, p.type)) };
  return splitProviderUrl(p.url);
}

export function registerConfig(program: Command, run: CommandRunner): void {
  const config = program
    .command('config')
    .description('Display provider configuration and templates to create workload clusters.');
  config
    .command('repositories')
    .description('Display the list of providers and their repository configurations')
    .option('-o, --output <format>', 'Output format. Valid values: [yaml text json].', 'text')
    .action(
      run<{ output: string }>(async (ctx, opts) => {
        if (!['text', 'yaml', 'json'].includes(opts.output)) {
          throw new ClusterctlError(
            'INVALID_ARGUMENT',
            `invalid output format "${opts.output}", valid values: [yaml text json]`,
          );
        }
        const cfg = await loadConfig(ctx);
        const providers = cfg.providers().map((p) => resolveProviderUrl(p, cfg));
        if (opts.output === 'text') {
          const rows = [['NAME', 'TYPE', 'URL', 'FILE']];
          for (const p of providers) {
            const { dir, file } = urlColumns(p);
            rows.push([p.name, p.type, dir, file]);
          }
          ctx.out(tabwrite(rows, { minWidth: 10, padding: 3 }));
          return;
        }
        const list = providers.map((p) => {
          const { dir, file } = urlColumns(p);
          return { File: file, Name: p.name, ProviderType: p.type, URL: dir };
        });
        ctx.out(opts.output === 'yaml' ? stringify(list) : `${JSON.stringify(list, null, 2)}\n`);
      }),
    );
}
