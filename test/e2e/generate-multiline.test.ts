/**
 * Variables whose values hold newlines (an SSH key read from a file ends with one), substituted
 * between quotes: the Go clusterctl renders them (go-yaml accepts a quoted scalar's continuation
 * line at any indentation), so we must print the same bytes; where it refuses, we refuse too.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runClusterctl } from '../harness/cli.js';
import { goClusterctlPath, runGoClusterctl } from '../harness/go-clusterctl.js';

const quotedOnly = `apiVersion: v1
kind: ConfigMap
metadata:
  name: x
data:
  quoted: '\${V}'
  dq: "\${V}"
  nested:
    deeper: '\${V}'
  list:
  - '\${V}'
  - "\${V}"
`;
const withPlain = quotedOnly.replace('data:\n', 'data:\n  key: ${V}\n');

const values = [
  'ssh-rsa AAAA user@host\n',
  'a\nb',
  'a\n\nb\n',
  'a\n  b',
  "it''s\n",
  'x\\"y\n',
  '\n',
  'a\n# c\n',
  'a\n- b\n',
  'a: b\nc\n',
];

describe('generate yaml: values with newlines, beside the Go clusterctl', { timeout: 240_000 }, () => {
  const go = goClusterctlPath();
  const dir = mkdtempSync(join(tmpdir(), 'multiline-'));

  it.each([
    ['quoted only', quotedOnly],
    ['with a plain ${V} too', withPlain],
  ])('renders (or refuses) %s as the Go tool does', async (_name, template) => {
    expect(go, 'the Go clusterctl reference binary is required; npm test builds it').toBeDefined();
    const file = join(dir, `${_name.replace(/\W+/g, '-')}.yaml`);
    writeFileSync(file, template);
    let rendered = 0;
    for (const value of values) {
      const env = { HOME: dir, V: value };
      const args = ['generate', 'yaml', '--from', file];
      const [mine, theirs] = await Promise.all([runClusterctl(args, { env }), runGoClusterctl(go!, args, { env })]);
      const label = JSON.stringify(value);
      if (theirs.exitCode === 0) {
        rendered++;
        expect({ value: label, exitCode: mine.exitCode, stdout: mine.stdout }).toEqual({
          value: label,
          exitCode: 0,
          stdout: theirs.stdout,
        });
      } else {
        expect({ value: label, exitCode: mine.exitCode }).toEqual({ value: label, exitCode: 2 });
        expect(mine.stderr).toMatch(/^Error: /);
      }
    }
    // the quoted forms all render in Go (before the fix, every one of them failed with us)
    if (template === quotedOnly) expect(rendered).toBe(values.length);
  });
});
