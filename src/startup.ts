import fs from 'node:fs';
import type { Config } from './config';
import type { ReadOnlyStore } from './store/open';

/**
 * Whether standard input is somebody typing or feeding the terminal chat: a terminal, a pipe or a file
 * (`printf 'history\n' | npm start`). A service manager or container gives /dev/null or nothing at all.
 */
export function hasTerminalInput(stdin: { isTTY?: boolean } = process.stdin, fd = 0): boolean {
  if (stdin.isTTY) return true;
  try {
    const stat = fs.fstatSync(fd);
    return stat.isFIFO() || stat.isFile() || stat.isSocket();
  } catch {
    return false;
  }
}

/** What `npm start` says when there is neither a platform to serve nor a terminal to chat in. */
export const NO_PLATFORM_NO_TERMINAL = [
  'Trellis has nothing to do: no Slack or Teams settings are set, and there is no terminal for the local chat.',
  'To serve Slack, set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (one workspace), or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET,',
  'SLACK_STATE_SECRET and SLACK_SIGNING_SECRET ("Add to Slack"); for Teams, MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD',
  '(in the environment or in .env in the working directory; .env.example lists every setting).',
  'To use the terminal chat, run npm start in a terminal, or pipe lines to it.',
].join('\n');

/** The notice for the admin when the database could be opened for reading only: what is wrong, what still works. */
export function readOnlyNotice(config: Config, readOnly: ReadOnlyStore, serving: boolean): string {
  const lines = [
    `Trellis started READ-ONLY: TRELLIS_DB=${config.dbFile} cannot be written: ${readOnly.problem}.`,
    'What still works: reading (history, journal, trend, summary, help). What does not: every write',
    '(check-ins, notes, reflections, settings, deletes) is answered "read-only at the moment" and nothing is stored.',
  ];
  if (serving) lines.push('Scheduled prompts, summaries and digests are paused until Trellis can write again.');
  if (readOnly.walNotShown) {
    lines.push(`Changes still in ${config.dbFile}-wal are not shown until Trellis can write again.`);
  }
  lines.push(
    'To fix: free space on that disk or make the file and its folder writable (or set TRELLIS_DB to a writable file), then restart Trellis.',
  );
  return lines.join('\n');
}

const codeOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
};

/**
 * An error from start-up in words that name the setting and what to do, or undefined when it is not one we know
 * (the caller then prints its message, never its stack).
 */
export function describeStartupError(error: unknown, config?: Config): string | undefined {
  const code = codeOf(error);
  const syscall = (error as { syscall?: unknown } | null)?.syscall;
  if (syscall !== 'listen' && syscall !== 'getaddrinfo' && code !== 'ENOTFOUND') return undefined;
  const port = config?.port ?? 3000;
  const host = config?.host;
  switch (code) {
    case 'EADDRINUSE':
      return `PORT=${port}: another program is already listening on that port. Stop it, or set PORT to a free port.`;
    case 'EACCES':
      return `PORT=${port}: this user may not listen on it (ports below 1024 need extra rights). Set PORT to 1024 or above and put a proxy in front, or grant the right.`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `HOST=${host ?? ''}: not an address of this machine. Leave HOST unset to listen on all addresses, or set it to one of this machine's addresses (127.0.0.1 for this machine only).`;
    default:
      return undefined;
  }
}
