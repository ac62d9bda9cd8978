import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { DeliveredFile, PlatformDriver, PressableAction, ProfileFields } from './driver';

const ROOT = path.resolve(__dirname, '../..');
const PRACTICE_ORDER = ['organisational', 'private', 'internal', 'virtual'];
const ORDER = ['context', 'respect', 'talents', 'empathy', 'feelings', 'openness'];

/**
 * The local terminal chat, driven as a coach would use it: `src/main.ts` as a child process with no platform
 * credentials, lines piped to its stdin. One process per exchange; all state is in the SQLite file, as for a
 * coach who opens the chat again.
 */
export class ConsoleDriver implements PlatformDriver {
  readonly name = 'console' as const;
  private dbFile = '';

  async start(dbFile: string): Promise<void> {
    this.dbFile = dbFile;
  }

  async stop(): Promise<void> {}

  send(user: string, text: string): Promise<string[]> {
    return this.chat(user, [text]);
  }

  /** The chat's form is a dialog: six answers ("-" skips one), then the note ("-" for none). */
  submitSelfCheck(user: string, ratings: Partial<Record<string, string>>, note?: string): Promise<string[]> {
    return this.chat(user, ['/selfcheck', ...ORDER.map((k) => ratings[k] ?? '-'), note ?? '-']);
  }

  /** The chat's session form is a dialog: date, minutes, paid, kind, code, four markers, evidence for those rated. */
  submitSession(user: string, f: Record<string, string>): Promise<string[]> {
    const markers = ['4.1', '4.2', '4.3', '4.4'];
    return this.chat(user, [
      '/selfcheck session',
      f.date ?? '',
      f.minutes ?? '',
      f.paid ?? '',
      f.kind === 'group' ? `group ${f.participants ?? ''}` : '',
      f.clientCode ?? '',
      ...markers.map((m) => f[`observed_${m}`] ?? '-'),
      ...markers.filter((m) => f[`observed_${m}`]).map((m) => f[`evidence_${m}`] ?? '-'),
    ]);
  }

  reply(user: string, text: string): Promise<string[]> {
    return this.chat(user, [text]);
  }

  /** Kinds of practice "pressed" so far per coach: the chat has no toggles, so the driver types the whole list. */
  private practices = new Map<string, Set<string>>();

  /** The chat draws no buttons: the driver types what the message names instead (keep, discard, settings …). */
  press(user: string, action: PressableAction, value?: string): Promise<string[]> {
    if (action === 'journal_keep' || action === 'journal_discard' || action === 'deeper')
      return this.chat(user, [
        action === 'journal_keep' ? 'keep' : action === 'journal_discard' ? 'discard' : 'deeper',
      ]);
    if (action === 'mentor_accept' || action === 'mentor_decline')
      return this.chat(user, [action === 'mentor_accept' ? 'mentor accept' : 'mentor decline']);
    if (action === 'welcome_level')
      return this.chat(user, [value === 'toward' ? 'settings toward' : `settings level ${value}`]);
    if (action === 'welcome_toward') return this.chat(user, [`settings toward ${value}`]);
    // The welcome's numbered choice: "settings practice 2 4".
    const chosen = this.practices.get(user) ?? new Set<string>();
    const number = String(PRACTICE_ORDER.indexOf(value ?? '') + 1);
    if (chosen.has(number)) chosen.delete(number);
    else chosen.add(number);
    this.practices.set(user, chosen);
    return this.chat(user, [`settings practice ${chosen.size ? [...chosen].sort().join(' ') : 'none'}`]);
  }

  firstContact(user: string, text: string): Promise<string[]> {
    return this.send(user, text);
  }

  /** The chat has no form: its one-line profile, checked by the same core as the forms. */
  saveProfile(user: string, f: ProfileFields): Promise<string[]> {
    const parts = [
      f.level !== undefined ? `level ${f.level}` : '',
      f.toward !== undefined ? `toward ${f.toward}` : '',
      f.practices !== undefined ? `practice ${f.practices.length ? f.practices.join(',') : 'none'}` : '',
    ].filter(Boolean);
    return this.chat(user, [`settings profile ${parts.join(' ')}`]);
  }

  /** The chat's simulated channel: "channel NAME", then the text. */
  sendInChannel(user: string, text: string): Promise<string[]> {
    return this.chat(user, ['channel peer-supervision', text]);
  }

  sendMentioning(user: string, text: string, mentioned: string): Promise<string[]> {
    return this.chat(user, [text.replace('@@', mentioned)]);
  }

  /** The chat shows what waited for the coach as it opens: open it, and leave. */
  inbox(user: string): Promise<string[]> {
    return this.chat(user, ['quit']);
  }

  /** The chat's rating is typed: "mentor rate N" and six ratings, markers, the comment. */
  submitMentorRating(user: string, sessionId: number, f: Record<string, string>): Promise<string[]> {
    const ratings = ORDER.map((k) => f[k] ?? '-').join(' ');
    const markers = ['4.1', '4.2', '4.3', '4.4']
      .filter((m) => f[`observed_${m}`])
      .map((m) => `${m}:${f[`observed_${m}`]}`)
      .join(' ');
    return this.chat(user, [`mentor rate ${sessionId} ${ratings} ${markers} ${f.comment ?? ''}`.trim()]);
  }

  /** What each coach's last chat printed, for `files`. */
  private lastSeen = new Map<string, string>();

  /** The folder the chat said it saved files in ("Saved N files in DIR:"): read, then removed. */
  async files(user: string): Promise<DeliveredFile[]> {
    const dirs = [...(this.lastSeen.get(user) ?? '').matchAll(/^Saved \d+ files in (.+):$/gm)].map((m) => m[1]);
    this.lastSeen.delete(user);
    return dirs.flatMap((dir) => {
      const found = fs
        .readdirSync(dir)
        .sort()
        .map((filename) => ({ filename, bytes: fs.readFileSync(path.join(dir, filename)) }));
      fs.rmSync(dir, { recursive: true, force: true });
      return found;
    });
  }

  private chat(user: string, lines: string[]): Promise<string[]> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, TRELLIS_DB: this.dbFile, TRELLIS_CONSOLE_USER: user, TRELLIS_TZ: 'UTC' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => {
        stdout += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
      });
      child.on('error', reject);
      child.on('exit', (code) => {
        if (code !== 0) reject(new Error(`console chat exited ${code}: ${stderr}`));
        else {
          this.lastSeen.set(user, stdout);
          resolve(stdout.trim() === '' ? [] : [stdout.trim()]);
        }
      });
      child.stdin.end(`${lines.join('\n')}\n`);
    });
  }
}
