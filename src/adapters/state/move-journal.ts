/**
 * Move journals on disk: `$CLUSTERCTL_TS_STATE_DIR`, else `$XDG_STATE_HOME/clusterctl-ts/move`
 * (Linux default `~/.local/state/clusterctl-ts/move`). One JSON-lines file per move: the header
 * (the plan) on the first line, then events appended as the move advances. Mode 0600: the header
 * names objects but holds no object content.
 */
import { appendFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { MoveJournalStore } from '../../core/ports.js';
import { readFileIfPresent, writePrivateFile } from './private-file.js';

export function moveStateDir(env: Record<string, string | undefined>, homeDir: string): string {
  const override = env.CLUSTERCTL_TS_STATE_DIR?.trim();
  if (override) return join(override, 'move');
  const xdg = env.XDG_STATE_HOME?.trim() || join(homeDir, '.local', 'state');
  return join(xdg, 'clusterctl-ts', 'move');
}

export function createMoveJournalStore(dir: string): MoveJournalStore {
  const file = (id: string) => join(dir, `${id}.jsonl`);
  return {
    location: file,
    async read(id) {
      const text = await readFileIfPresent(file(id));
      if (text === undefined) return undefined;
      const lines = text.split('\n').filter((l) => l.trim() !== '');
      const parsed: unknown[] = [];
      for (const line of lines) {
        try {
          parsed.push(JSON.parse(line));
        } catch {
          // A line cut short by a crash: everything after it is lost, which resume tolerates.
          break;
        }
      }
      if (parsed.length === 0) return undefined;
      return { header: parsed[0], events: parsed.slice(1) };
    },
    async create(id, header) {
      await writePrivateFile(file(id), JSON.stringify(header) + '\n');
    },
    async append(id, events) {
      if (events.length === 0) return;
      await appendFile(file(id), events.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o600 });
    },
    async remove(id) {
      await rm(file(id), { force: true });
    },
  };
}
