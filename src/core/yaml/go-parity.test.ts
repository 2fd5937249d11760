/// <reference types="vite/client" />
/**
 * Byte-for-byte parity with the Go clusterctl. Every input of test/fixtures/yaml-corpus goes through
 * substitution (with NAME.vars as the only variables), parsing and re-serialisation, and the result is
 * compared with what `clusterctl generate yaml` (v1.13.5) printed for the same input, recorded by
 * scripts/update-yaml-goldens.sh in NAME.golden.yaml (or NAME.golden.err when Go failed) and
 * NAME.golden.vars (`--list-variables`).
 */
import { describe, expect, it } from 'vitest';
import { ClusterctlError } from '../../errors.js';
import { parseDocuments, serializeObjects } from './documents.js';
import { listVariableNames, processTemplate } from './envsubst.js';

const files = import.meta.glob<string>('../../../test/fixtures/yaml-corpus/*', {
  query: '?raw',
  import: 'default',
  eager: true,
});

const corpus = new Map<string, string>();
for (const [path, text] of Object.entries(files)) corpus.set(path.slice(path.lastIndexOf('/') + 1), text);

const inputs = [...corpus.keys()].filter((f) => f.endsWith('.yaml') && !f.endsWith('.golden.yaml')).sort();

/** NAME.vars: KEY=VALUE lines, the whole environment the Go binary ran with. */
function readVars(name: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of (corpus.get(`${name}.vars`) ?? '').split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    vars.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return vars;
}

/** What `clusterctl generate yaml --from FILE` does with the template. */
function generateYaml(text: string, file: string, vars: Map<string, string>): string {
  // clusterctl's variable client is viper with AutomaticEnv, which looks a key up as an upper-case
  // environment variable (and counts an empty value as set).
  const processed = processTemplate(text, (name) => vars.get(name.toUpperCase()));
  return serializeObjects(parseDocuments(processed, file));
}

/** What `clusterctl generate yaml --list-variables` prints. */
function listVariables(text: string): string {
  const names = listVariableNames(text);
  return names.length === 0 ? '\n' : `Variables:\n${names.map((n) => `  - ${n}\n`).join('')}`;
}

describe('parity with Go clusterctl v1.13.5 (generate yaml)', () => {
  it('has a corpus with goldens for every input', () => {
    expect(inputs.length).toBeGreaterThanOrEqual(15);
    for (const input of inputs) {
      const name = input.slice(0, -'.yaml'.length);
      const goldens = [`${name}.golden.yaml`, `${name}.golden.err`].filter((g) => corpus.has(g));
      expect(goldens, `exactly one of ${name}.golden.yaml / .golden.err`).toHaveLength(1);
    }
  });

  for (const input of inputs) {
    const name = input.slice(0, -'.yaml'.length);
    const text = corpus.get(input) ?? '';
    const vars = readVars(name);
    const golden = corpus.get(`${name}.golden.yaml`);
    const goldenError = corpus.get(`${name}.golden.err`)?.trim();

    if (golden !== undefined) {
      it(`${input}: output is identical`, () => {
        expect(generateYaml(text, input, vars)).toBe(golden);
      });
    } else if (goldenError !== undefined) {
      it(`${input}: fails like Go (${goldenError.slice(0, 60)})`, () => {
        let thrown: unknown;
        try {
          generateYaml(text, input, vars);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).toBeInstanceOf(ClusterctlError);
        const message = (thrown as ClusterctlError).message;
        if (goldenError.startsWith('Error: value for variables')) {
          // The same sentence, word for word.
          expect(`Error: ${message}`).toBe(goldenError);
          expect((thrown as ClusterctlError).code).toBe('MISSING_VARIABLES');
        } else if (goldenError.startsWith('panic:')) {
          // Go crashes; clusterctl-ts reports the expression instead.
          expect((thrown as ClusterctlError).code).toBe('INVALID_YAML');
        } else {
          // Our message adds the expression or object, then Go's own words.
          const goWords = goldenError.replace(/^Error: /, '').replace(/^failed to marshal yaml for [^:]*: /, '');
          expect(message).toContain(goWords);
          expect((thrown as ClusterctlError).code).toBe('INVALID_YAML');
        }
      });
    }

    const goldenVars = corpus.get(`${name}.golden.vars`);
    if (goldenVars !== undefined) {
      it(`${input}: --list-variables is identical`, () => {
        expect(listVariables(text)).toBe(goldenVars);
      });
    }
  }
});
