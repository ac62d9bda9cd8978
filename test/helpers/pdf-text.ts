import { spawnSync } from 'node:child_process';
import path from 'node:path';

/** A PDF's text as pdf-parse extracts it (in a child process: see pdf-text-child.cjs), with its page count and title. */
export function pdfText(bytes: Uint8Array): { text: string; pages: number; title: string | null } {
  const run = spawnSync(process.execPath, [path.join(__dirname, 'pdf-text-child.cjs')], {
    input: bytes,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.status !== 0) throw new Error(`pdf-parse failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as { text: string; pages: number; title: string | null };
}
