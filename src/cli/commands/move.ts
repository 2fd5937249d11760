import type { Command } from 'commander';
import { Option } from 'commander';
import { stringify } from 'yaml';
import { createMoveJournalStore, moveStateDir } from '../../adapters/state/move-journal.js';
import { loadAgeKeys, openObjectDirectory } from '../../adapters/state/object-directory.js';
import { ClusterctlError } from '../../errors.js';
import { move, type MovePlan, type MoveResult } from '../../core/move/index.js';
import type { CliContext } from '../context.js';
import { managementClient, type HideApiWarnings } from '../kube.js';
import type { CommandRunner } from '../context.js';

interface MoveFlags {
  toKubeconfig?: string;
  toKubeconfigContext?: string;
  namespace?: string;
  dryRun: boolean;
  toDirectory?: string;
  fromDirectory?: string;
  hideApiWarnings: string;
  cluster?: string[];
  concurrency?: string;
  rollback: boolean;
  output: string;
  encryptWith?: string;
  decryptWith?: string;
}

const collect = (value: string, previous: string[] = []) => [
  ...previous,
  ...value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean),
];

/** Mutually exclusive flag pairs, as the Go tool declares them. */
const exclusive: [string, string][] = [
  ['toDirectory', 'toKubeconfig'],
  ['fromDirectory', 'toDirectory'],
  ['fromDirectory', 'kubeconfig'],
];
const flagName = (key: string) => `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function formatMovePlan(plan: MovePlan): string {
  const lines: string[] = [];
  lines.push(`Move plan for namespace "${plan.namespace}" (dry run: nothing was changed)`);
  lines.push(
    `${plan.objectCount} objects in ${plan.groups.length} groups: ${plan.clusters.length} clusters, ${plan.clusterClasses.length} ClusterClasses`,
  );
  for (const [i, group] of plan.groups.entries()) {
    lines.push('', `Group ${i + 1} (${group.length} objects, created in parallel)`);
    for (const o of group) {
      const where = o.namespace ? `${o.namespace}/${o.name}` : o.name;
      const note = o.global
        ? '  (global: copied if missing, never deleted)'
        : o.deleteFromSource
          ? ''
          : '  (copied, kept on the source)';
      lines.push(`  ${o.kind} ${where}${note}`);
    }
  }
  if (plan.leftBehind.length) {
    lines.push('', 'Not moved:');
    for (const o of plan.leftBehind) lines.push(`  ${o.kind} ${o.namespace}/${o.name}: ${o.reason}`);
  }
  return lines.join('\n') + '\n';
}

function summary(result: MoveResult): string {
  const kinds = Object.entries(result.perKind)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const seconds = (result.durationMs / 1000).toFixed(1);
  const rate = result.durationMs > 0 ? Math.round((result.plan.objectCount / result.durationMs) * 1000) : 0;
  return `Moved ${result.plan.objectCount} objects (${result.plan.clusters.length} clusters) in ${seconds}s, ${rate} objects/s${kinds ? `: ${kinds}` : ''}`;
}

/** Rejects flag combinations and values move cannot use, before anything is read. */
function validateMoveFlags(ctx: CliContext, opts: MoveFlags): void {
  const global = ctx.global as Record<string, unknown>;
  const given = { ...opts, kubeconfig: global.kubeconfig } as Record<string, unknown>;
  for (const [a, b] of exclusive) {
    if (given[a] && given[b]) {
      throw new ClusterctlError('INVALID_ARGUMENT', `${flagName(a)} and ${flagName(b)} cannot be used together`, {
        hint:
          a === 'fromDirectory' && b === 'kubeconfig'
            ? 'With --from-directory the objects go to the cluster of --to-kubeconfig.'
            : 'Pick one target: another cluster (--to-kubeconfig) or a folder (--to-directory).',
      });
    }
  }
  if (!['text', 'json', 'yaml'].includes(opts.output))
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid output format "${opts.output}": use text, yaml or json`);
  if (!['default', 'all', 'none'].includes(opts.hideApiWarnings))
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `invalid --hide-api-warnings "${opts.hideApiWarnings}": use default, all or none`,
    );
  if (opts.concurrency !== undefined && !/^\d+$/.test(opts.concurrency))
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `invalid --concurrency "${opts.concurrency}": use a whole number >= 1`,
    );
  if (!opts.toKubeconfig && !opts.toDirectory && !opts.fromDirectory && !opts.dryRun) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      'please specify a target cluster using the --to-kubeconfig flag when not using --dry-run, --to-directory or --from-directory',
      { hint: 'Example: clusterctl move --to-kubeconfig target.kubeconfig -n my-namespace' },
    );
  }
}

async function run(ctx: CliContext, opts: MoveFlags): Promise<void> {
  validateMoveFlags(ctx, opts);
  const hideApiWarnings = opts.hideApiWarnings as HideApiWarnings;
  const concurrency = opts.concurrency === undefined ? undefined : Number(opts.concurrency);

  ctx.interruptHint =
    'Re-run the same command to finish the move, or add --rollback to return everything to the source.';
  const target =
    opts.toKubeconfig || opts.fromDirectory
      ? await managementClient(
          ctx,
          { kubeconfig: opts.toKubeconfig, kubeconfigContext: opts.toKubeconfigContext, hideApiWarnings },
          true,
        )
      : undefined;
  const source = opts.fromDirectory ? undefined : await managementClient(ctx, { hideApiWarnings });
  if (opts.encryptWith && !opts.toDirectory)
    throw new ClusterctlError('INVALID_ARGUMENT', '--encrypt-with goes with --to-directory');
  if (opts.decryptWith && !opts.fromDirectory)
    throw new ClusterctlError('INVALID_ARGUMENT', '--decrypt-with goes with --from-directory');
  const encrypt = opts.encryptWith ? await loadAgeKeys(opts.encryptWith, '--encrypt-with') : {};
  const decrypt = opts.decryptWith ? await loadAgeKeys(opts.decryptWith, '--decrypt-with') : {};
  const toDirectory = opts.toDirectory
    ? await openObjectDirectory(opts.toDirectory, '--to-directory', encrypt)
    : undefined;
  const fromDirectory = opts.fromDirectory
    ? await openObjectDirectory(opts.fromDirectory, '--from-directory', decrypt)
    : undefined;
  if (toDirectory && !opts.encryptWith)
    ctx.reporter.warn(
      `the backup in ${toDirectory.path} contains the clusters' Secrets (kubeconfigs, CA keys) in plain text; files are written 0600: keep the folder private, or encrypt it with --encrypt-with <age key file|age1... recipient>`,
    );
  if (toDirectory && opts.encryptWith)
    ctx.reporter.info(
      `Encrypting every file to ${encrypt.recipients?.length ?? 0} age recipient(s); restore with --from-directory ${toDirectory.path} --decrypt-with <key file>`,
    );
  const result = await move(
    {
      source,
      target: opts.dryRun && !opts.fromDirectory ? undefined : target,
      toDirectory,
      fromDirectory,
      journal: createMoveJournalStore(moveStateDir(ctx.env, ctx.io.homeDir)),
      reporter: ctx.reporter,
      signal: ctx.signal,
    },
    {
      namespace: opts.namespace,
      dryRun: opts.dryRun,
      clusters: opts.cluster,
      concurrency,
      rollback: opts.rollback,
    },
  );
  if (opts.output === 'json') ctx.out(JSON.stringify(result, null, 2) + '\n');
  else if (opts.output === 'yaml') ctx.out(stringify(result));
  else if (result.dryRun) ctx.out(formatMovePlan(result.plan));
  else if (!result.rolledBack && !opts.toDirectory && !opts.fromDirectory && result.plan.objectCount > 0)
    ctx.reporter.info(summary(result));
}

export function registerMove(program: Command, runner: CommandRunner): void {
  program
    .command('move')
    .description('Move Cluster API objects and all dependencies between management clusters')
    .option(
      '--to-kubeconfig <path>',
      'Path to the kubeconfig file for the target management cluster. If unspecified, default discovery rules apply.',
    )
    .option(
      '--to-kubeconfig-context <context>',
      'Context to be used within the kubeconfig file for the target management cluster.',
    )
    .option(
      '-n, --namespace <namespace>',
      'The namespace where the workload cluster is hosted. If unspecified, the current context namespace is used.',
    )
    .option('--dry-run', 'Print the move plan (objects, groups, order) without changing anything.', false)
    .option(
      '--to-directory <dir>',
      'Write Cluster API objects and all dependencies from a management cluster to directory.',
    )
    .option(
      '--from-directory <dir>',
      'Read Cluster API objects and all dependencies from a directory into a management cluster.',
    )
    .addOption(
      new Option('--hide-api-warnings <mode>', 'Set of API server warnings to hide: default, all or none.').default(
        'default',
      ),
    )
    .option(
      '--encrypt-with <key>',
      'With --to-directory: encrypt every file with age to this recipient (age1...) or key/recipients file.',
    )
    .option(
      '--decrypt-with <file>',
      'With --from-directory: the age key file (AGE-SECRET-KEY-1...) to decrypt an encrypted backup.',
    )
    .option('--cluster <name>', 'Move only this Cluster with what it needs (repeatable, or comma-separated).', collect)
    .option('--concurrency <n>', 'Objects written at once (default 16).')
    .option('--rollback', 'Return a failed move to the source cluster and unpause it (uses the move journal).', false)
    .option(
      '-o, --output <format>',
      'Output: text (default), json or yaml (the plan with --dry-run, else the result).',
      'text',
    )
    .action(runner<MoveFlags>((ctx, opts) => run(ctx, opts)));
}
