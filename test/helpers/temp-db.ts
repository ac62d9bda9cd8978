import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh folder for one test file's databases and outputs; removed with `cleanup()`. */
export function tempDir(prefix = 'trellis-test-'): { dir: string; file(name: string): string; cleanup(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    file: (name: string) => path.join(dir, name),
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A path for a fresh SQLite file in its own temp folder. */
export function tempDbFile(): { file: string; cleanup(): void } {
  const t = tempDir();
  return { file: t.file('trellis.db'), cleanup: t.cleanup };
}
