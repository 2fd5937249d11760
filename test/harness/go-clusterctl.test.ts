/** The Go reference binary is only used when `go version -m` shows the pinned Cluster API module version. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { goClusterctlPath, goClusterctlVersion, goModuleVersionProblem } from './go-clusterctl.js';

describe('the Go reference binary check', () => {
  it('accepts the built reference at the pinned version and names any other version', () => {
    const binary = goClusterctlPath();
    expect(binary, 'the Go clusterctl reference binary (scripts/setup-go-clusterctl.sh)').toBeDefined();
    expect(goModuleVersionProblem(binary!, 'sigs.k8s.io/cluster-api', goClusterctlVersion)).toBeUndefined();
    expect(goModuleVersionProblem(binary!, 'sigs.k8s.io/cluster-api', 'v1.12.0')).toBe(
      `it was built from sigs.k8s.io/cluster-api ${goClusterctlVersion}, not v1.12.0`,
    );
  });

  it('refuses a file that is not a Go build', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'go-ref-')), 'clusterctl');
    writeFileSync(file, '#!/bin/sh\necho v1.13.5\n', { mode: 0o755 });
    expect(goModuleVersionProblem(file, 'sigs.k8s.io/cluster-api', goClusterctlVersion)).toMatch(
      /^go version -m could not read it|does not contain/,
    );
  });
});
