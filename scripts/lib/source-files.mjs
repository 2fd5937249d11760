// The TypeScript sources the lint checks read: every .ts file under a folder, tests and declarations aside.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export function* sourceFiles(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sourceFiles(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts'))
      yield path;
  }
}
