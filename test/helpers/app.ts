import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { type AppContext, createAppContext } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/log';
import { FixedClock } from './clock';

export const newKey = () => randomBytes(32).toString('hex');

/** The real app context (config -> db -> encryption check -> repositories -> core) on `file`, logging to memory. */
export function openApp(
  file: string,
  env: Record<string, string> = {},
  clock = new FixedClock('2026-11-24T09:00:00Z'),
): AppContext & { clock: FixedClock; logLines: string[] } {
  const logLines: string[] = [];
  const log = createLogger('debug', {}, (line) => logLines.push(line));
  const config = loadConfig({ TRELLIS_DB: file, TRELLIS_TZ: 'UTC', ...env });
  const app = createAppContext(config, { clock, log });
  return Object.assign(app, { clock, logLines });
}

/** The database file and its WAL as bytes, for checking that some text is not in them. */
export function rawBytes(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`].filter((f) => fs.existsSync(f)).map((f) => fs.readFileSync(f)));
}

export function containsText(file: string, text: string): boolean {
  const bytes = rawBytes(file);
  return bytes.includes(Buffer.from(text, 'utf8')) || bytes.includes(Buffer.from(text, 'utf16le'));
}
