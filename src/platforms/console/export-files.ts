import fs from 'node:fs';
import path from 'node:path';
import { type FileAttachment, fileBytes } from '../../core/message';

/**
 * Where the terminal chat and the admin CLI deliver an export: a new folder of files only the owner can read
 * (they hold private notes). Returns the folder.
 */
export function writeExportFiles(baseDir: string, label: string, at: Date, files: readonly FileAttachment[]): string {
  const safeLabel = label.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80) || 'coach';
  const stamp = at.toISOString().replace(/[:.]/g, '-');
  const dir = path.resolve(baseDir, `${safeLabel}-${stamp}`);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const file of files) {
    fs.writeFileSync(path.join(dir, path.basename(file.filename)), fileBytes(file), { mode: 0o600, flag: 'wx' });
  }
  return dir;
}
