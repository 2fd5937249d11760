import { Option, type Command } from 'commander';
import { stringify } from 'yaml';
import { describeCluster, validateDescribeOptions } from '../../core/describe.js';
import { ClusterctlError } from '../../errors.js';
import { formatDescribeTree } from '../../ui/tree.js';
import { colorEnabled, type CliContext } from '../context.js';
import { managementClient } from '../kube.js';
import type { CommandRunner } from '../context.js';

interface DescribeFlags {
  namespace?: string;
  showConditions?: string;
  showMachinesets?: boolean;
  showResourcesets?: boolean;
  showTemplates?: boolean;
  echo?: boolean;
  grouping?: boolean;
  v1beta2?: boolean;
  color?: boolean;
  output: string;
}

/**
 * The yes/no flags of `describe cluster`, in help order, written the Go way: `--flag`,
 * `--flag=true|false` (never a separate value). Each also takes `--no-X` (what normaliseBoolFlags
 * turns `--X=false` into), kept out of the help as Go shows no such flag.
 */
const booleanFlags: [flags: string, description: string][] = [
  ['--show-machinesets', 'Show MachineSet objects.'],
  ['--show-resourcesets', 'Show cluster resource sets.'],
  ['--show-templates', 'Show infrastructure and bootstrap config templates associated with the cluster.'],
  [
    '--echo',
    "Show MachineInfrastructure and BootstrapConfig when ready condition is true or it has the Status, Severity and Reason of the machine's object.",
  ],
  [
    '--grouping',
    'Groups machines when ready condition has the same Status, Severity and Reason (default true; --grouping=false to disable).',
  ],
  [
    '--v1beta2',
    'Use V1Beta2 conditions (default true; deprecated, --v1beta2=false shows the v1beta1 Ready/Severity table).',
  ],
  [
    '-c, --color',
    'Enable or disable color output; if not set color is enabled by default only if using tty. The flag is overridden by the NO_COLOR env variable if set.',
  ],
];

/** `color` for `-c, --color`. */
const longName = (flags: string): string => flags.slice(flags.indexOf('--') + 2);

/** Each spelling of a yes/no flag (`--color`, `-c`) and its long name (`color`). */
const boolFlags = new Map(
  booleanFlags.flatMap(([flags]) => flags.split(', ').map((spelling) => [spelling, longName(flags)] as const)),
);

const goTrue = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);
const goFalse = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False']);

/** Rewrites `--flag=false` to `--no-flag` (and `--flag=true` to `--flag`) for commander. */
function normaliseBoolFlags(argv: readonly string[]): string[] {
  return argv.map((arg) => {
    const eq = arg.indexOf('=');
    if (eq < 0) return arg;
    const long = boolFlags.get(arg.slice(0, eq));
    if (!long) return arg;
    const value = arg.slice(eq + 1);
    if (goTrue.has(value)) return `--${long}`;
    if (goFalse.has(value)) return `--no-${long}`;
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `invalid argument "${value}" for "${arg.slice(0, eq)}" flag: use true or false`,
    );
  });
}

export function registerDescribe(program: Command, run: CommandRunner): void {
  const describe = program.command('describe').description('Describe workload clusters');
  const cluster = describe
    .command('cluster')
    .argument('[name]', 'workload cluster name')
    .description(
      'Provide an "at glance" view of a Cluster API cluster designed to help the user in quickly understanding if there are problems and where.',
    )
    .option(
      '-n, --namespace <namespace>',
      'The namespace where the workload cluster is located. If unspecified, the current namespace will be used.',
    )
    .option(
      '--show-conditions <list>',
      "list of comma separated kind or kind/name for which the command should show all the object's conditions (use 'all' to show conditions for everything, use the + suffix to show only non-zero conditions).",
    );
  for (const [flags, description] of booleanFlags)
    cluster.option(flags, description).addOption(new Option(`--no-${longName(flags)}`).hideHelp());
  cluster
    .option('-o, --output <format>', 'Output format: text (default), yaml or json (the tree as data).', 'text')
    .addHelpText(
      'after',
      `
Examples:
  # The cluster test-1 in the current namespace.
  clusterctl describe cluster test-1

  # Every condition of the control plane, and only the non-zero ones of one machine.
  clusterctl describe cluster test-1 --show-conditions KubeadmControlPlane,Machine/m1+

  # One row per machine, with their infrastructure and bootstrap objects even when they are ready.
  clusterctl describe cluster test-1 --grouping=false --echo

  # The same tree as data, for scripts.
  clusterctl describe cluster test-1 -o json`,
    )
    .allowExcessArguments(true)
    .action(run<DescribeFlags>(describeClusterCommand));
  const parseOptions = cluster.parseOptions.bind(cluster);
  cluster.parseOptions = (argv: string[]) => parseOptions(normaliseBoolFlags(argv));
}

async function describeClusterCommand(ctx: CliContext, opts: DescribeFlags, args: string[]): Promise<void> {
  if (opts.v1beta2 !== undefined) {
    ctx.io.stderr.write(
      'Flag --v1beta2 has been deprecated, this field will be removed when v1beta1 will be dropped.\n',
    );
  }
  if (args.length > 1) {
    throw new ClusterctlError('INVALID_ARGUMENT', 'please specify a cluster name', {
      hint: `Usage: clusterctl describe cluster NAME [-n NAMESPACE] (got ${args.length} names: ${args.join(' ')})`,
    });
  }
  if (!['text', 'yaml', 'json'].includes(opts.output)) {
    throw new ClusterctlError('INVALID_ARGUMENT', `invalid output format "${opts.output}": use text, yaml or json`);
  }
  const options = {
    clusterName: args[0] ?? '',
    namespace: opts.namespace,
    showOtherConditions: opts.showConditions ?? '',
    showMachineSets: Boolean(opts.showMachinesets),
    showClusterResourceSets: Boolean(opts.showResourcesets),
    showTemplates: Boolean(opts.showTemplates),
    echo: Boolean(opts.echo),
    grouping: opts.grouping ?? true,
    v1beta1: opts.v1beta2 === false,
  };
  validateDescribeOptions(options);
  const client = await managementClient(ctx);
  const result = await describeCluster({ client }, options);
  if (opts.output === 'json') return ctx.out(JSON.stringify(result, null, 2) + '\n');
  if (opts.output === 'yaml') return ctx.out(stringify(result));
  // Colour follows stdout (where the tree goes); NO_COLOR always wins over -c.
  const noColor = Boolean(ctx.env.NO_COLOR);
  const color = noColor ? false : (opts.color ?? colorEnabled(ctx.env, ctx.io.stdout));
  ctx.out(formatDescribeTree(result, { color }));
}
