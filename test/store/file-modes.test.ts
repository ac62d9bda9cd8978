import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const REPO = path.resolve(__dirname, '..', '..');
const TSX = path.join(REPO, 'node_modules', 'tsx', 'dist', 'cli.mjs');

describe('file modes of the data folder, database and backups', () => {
  it('are owner-only under umask 000: folder 0700, database, WAL, SHM and backup 0600', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-modes-'));
    try {
      const out = execFileSync(process.execPath, [TSX, path.join(__dirname, 'file-modes-child.ts'), root], {
        cwd: REPO,
        encoding: 'utf8',
      });
      const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { code: number; modes: [string, string][] };
      expect(result.code).toBe(0);
      expect(Object.fromEntries(result.modes)).toEqual({
        data: '700',
        'data/trellis.db': '600',
        'data/trellis.db-wal': '600',
        'data/trellis.db-shm': '600',
        backups: '700',
        'backups/b.db': '600',
      });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
