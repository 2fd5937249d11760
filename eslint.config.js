// Type-aware linting plus the import boundaries of docs/design.md.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeIo = [
  'node:fs',
  'node:fs/promises',
  'node:child_process',
  'node:http',
  'node:https',
  'node:net',
  'fs',
  'child_process',
];
const libs = ['execa', '@kubernetes/client-node', 'chalk', 'ora', 'commander'];

function banned(paths, patterns) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: paths.map((name) => ({
          name,
          message: 'Not allowed in this layer (see design.md "Who may import what").',
        })),
        patterns:
          patterns.length > 0
            ? [{ group: patterns, message: 'Not allowed in this layer (see design.md "Who may import what").' }]
            : [],
      },
    ],
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'bin/**', 'test/fixtures/**', 'scripts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint.config.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': ['error', { selector: 'ExportDefaultDeclaration', message: 'No default exports.' }],
    },
  },
  {
    files: ['eslint.config.js'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-restricted-syntax': 'off' },
  },
  // core: types, errors, core/*, yaml, semver only
  {
    files: ['src/core/**/*.ts'],
    rules: banned([...nodeIo, ...libs], ['**/cli/**', '**/ui/**', '**/adapters/**', '**/config/**']),
  },
  // ui: types and errors (plus chalk/ora for rendering)
  {
    files: ['src/ui/**/*.ts'],
    rules: banned(
      [...nodeIo, 'execa', '@kubernetes/client-node', 'commander'],
      ['**/cli/**', '**/adapters/**', '**/config/**', '**/core/cluster/**', '**/core/repository/**'],
    ),
  },
  // config and adapters: types, errors, ports; never cli or ui
  {
    files: ['src/config/**/*.ts', 'src/adapters/**/*.ts'],
    rules: banned(['chalk', 'ora', 'commander'], ['**/cli/**', '**/ui/**']),
  },
  // commands: program.ts/context.ts, cli helpers, core and adapters; never another command
  // (scripts/check-imports.mjs also checks this, and that src/ has no import cycle)
  {
    files: ['src/cli/commands/*.ts'],
    ignores: ['src/cli/commands/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['./*', '../commands/*'],
              message: 'A command never imports another command: move the shared part to core/ or src/cli/shared/.',
            },
          ],
        },
      ],
    },
  },
  // leaves
  { files: ['src/errors.ts', 'src/types.ts'], rules: banned([...nodeIo, ...libs, 'yaml', 'semver'], ['./*', '../*']) },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', '**/*.test.ts', 'vitest.config.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      'no-restricted-syntax': 'off',
    },
  },
);
