/** The provider flags shared by init, upgrade apply, delete and create management-cluster. */
import type { Command } from 'commander';
import { parseProviderRef } from '../../config/index.js';
import type { ProviderFlags } from '../../core/init.js';
import { ClusterctlError } from '../../errors.js';
import type { ProviderType } from '../../types.js';

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

export function parseBool(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === 'true') return true;
  if (value === 'false') return false;
  throw new ClusterctlError('INVALID_ARGUMENT', `invalid boolean value "${value}": use true or false`);
}

export function addProviderFlags(cmd: Command, verb: string): Command {
  return cmd
    .option('--core <provider>', `Core provider version (e.g. cluster-api:v1.1.5) to ${verb}`, collect)
    .option('-b, --bootstrap <providers>', `Bootstrap providers and versions (e.g. kubeadm:v1.1.5) to ${verb}`, collect)
    .option(
      '-c, --control-plane <providers>',
      `Control plane providers and versions (e.g. kubeadm:v1.1.5) to ${verb}`,
      collect,
    )
    .option(
      '-i, --infrastructure <providers>',
      `Infrastructure providers and versions (e.g. aws:v0.5.0) to ${verb}`,
      collect,
    )
    .option('--ipam <providers>', `IPAM providers and versions (e.g. infoblox:v0.0.1) to ${verb}`, collect)
    .option('--runtime-extension <providers>', `Runtime extension providers and versions to ${verb}`, collect)
    .option('--addon <providers>', `Add-on providers and versions (e.g. helm:v0.1.0) to ${verb}`, collect);
}

const typeFlags: [keyof ProviderFlags, ProviderType][] = [
  ['core', 'CoreProvider'],
  ['bootstrap', 'BootstrapProvider'],
  ['controlPlane', 'ControlPlaneProvider'],
  ['infrastructure', 'InfrastructureProvider'],
  ['ipam', 'IPAMProvider'],
  ['runtimeExtension', 'RuntimeExtensionProvider'],
  ['addon', 'AddonProvider'],
];

export function providerRequests(
  flags: ProviderFlags & object,
  requireVersion: boolean,
): { name: string; type: ProviderType; version: string | undefined }[] {
  const out: { name: string; type: ProviderType; version: string | undefined }[] = [];
  for (const [key, type] of typeFlags) {
    for (const raw of (flags[key] ?? [])
      .flatMap((v) => v.split(','))
      .map((v) => v.trim())
      .filter(Boolean)) {
      // The deprecated namespace/name:version form is accepted; the namespace comes from the inventory.
      const ref = parseProviderRef(raw.includes('/') ? raw.slice(raw.indexOf('/') + 1) : raw);
      if (requireVersion && !ref.version) {
        throw new ClusterctlError(
          'INVALID_ARGUMENT',
          `provider "${raw}" has no version: upgrade apply needs name:version (e.g. ${ref.name}:v1.13.5)`,
        );
      }
      out.push({ name: ref.name, type, version: ref.version });
    }
  }
  return out;
}

/** Only the provider flags of a command's options (commander puts every flag in one object). */
export function providerFlagsOf(opts: ProviderFlags): ProviderFlags {
  return {
    core: opts.core,
    bootstrap: opts.bootstrap,
    controlPlane: opts.controlPlane,
    infrastructure: opts.infrastructure,
    ipam: opts.ipam,
    runtimeExtension: opts.runtimeExtension,
    addon: opts.addon,
  };
}

/** `--wait-provider-timeout` in whole seconds, as milliseconds. */
export function providerTimeoutMs(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 0) {
    throw new ClusterctlError(
      'INVALID_ARGUMENT',
      `invalid --wait-provider-timeout "${value}": give whole seconds, e.g. 300`,
    );
  }
  return seconds * 1000;
}
