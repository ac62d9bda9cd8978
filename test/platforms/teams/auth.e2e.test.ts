import { spawn } from 'node:child_process';
import { ConfigError, loadConfig } from '../../../src/config';
import { teamsListenHost } from '../../../src/platforms/teams';
import { tempDbFile } from '../../helpers/temp-db';
import { personalInstall, personalMessage } from './harness';
import { useTeams } from './use-teams';

const CREDENTIALS = {
  MICROSOFT_APP_ID: '00000000-0000-4000-8000-000000000001',
  MICROSOFT_APP_PASSWORD: 'not-a-real-secret',
};

/**
 * A self-made JWT for our app id from an issuer the Bot Framework does not use. (A forged token with the real
 * issuer is refused too, but only after botbuilder fetches Microsoft's signing keys: not something a test may do.)
 */
function forgedToken(): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${b64({ alg: 'RS256', typ: 'JWT', kid: 'forged' })}.${b64({
    iss: 'https://issuer.invalid',
    aud: CREDENTIALS.MICROSOFT_APP_ID,
    serviceurl: 'http://127.0.0.1/',
    nbf: now - 60,
    exp: now + 3600,
  })}.${Buffer.from('not a signature').toString('base64url')}`;
}

describe('Teams with credentials: every request must carry a valid Bot Framework token', () => {
  const t = useTeams({ env: { ...CREDENTIALS, BOT_EMULATOR: '' } });

  test.each([
    ['no Authorization header', {}],
    ['a header that is not a token', { authorization: 'Bearer garbage' }],
    ['a self-made token', { authorization: `Bearer ${forgedToken()}` }],
  ])('%s is refused with 401 and nothing is stored or sent', async (_what, headers: Record<string, string>) => {
    expect(t.teams.app.config.teams?.mode).toBe('authenticated');
    const install = await t.teams.post(personalInstall(t.connector.url, 'mal'), headers);
    const message = await t.teams.post(personalMessage(t.connector.url, 'mal', 'selfcheck 4 4 4 4 4 4'), headers);
    expect(install.status).toBe(401);
    expect(message.status).toBe(401);
    expect(t.stored()).toEqual({ references: 0, coaches: 0, checks: 0 });
    expect(t.connector.calls).toHaveLength(0);
  });

  test('a body that is not an activity is refused with 400 before authentication', async () => {
    const res = await fetch(t.teams.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"hello":1}',
    });
    expect(res.status).toBe(400);
  });
});

describe('emulator mode (no authentication) listens on loopback only', () => {
  test('main refuses to start with BOT_EMULATOR=1 and a non-loopback HOST', async () => {
    const db = tempDbFile();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, TRELLIS_DB: db.file, BOT_EMULATOR: '1', HOST: '0.0.0.0', PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    db.cleanup();
    expect(code).toBe(1);
    expect(stderr).toContain('HOST=0.0.0.0');
    expect(stderr).toContain('loopback');
  }, 60000);

  test('main listens on 127.0.0.1 when HOST is unset', async () => {
    const db = tempDbFile();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { PATH: process.env.PATH, TRELLIS_DB: db.file, BOT_EMULATOR: '1', PORT: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    const listening = new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no "listening" line in time: ${stderr}`)), 40000);
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        const complete = stderr.split('\n').slice(0, -1);
        const line = complete.find((l) => l.includes('"msg":"listening"'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as Record<string, unknown>);
        }
      });
    });
    try {
      expect(await listening).toMatchObject({ host: '127.0.0.1' });
    } finally {
      const exited = new Promise((resolve) =>
        child.exitCode !== null ? resolve(child.exitCode) : child.on('exit', resolve),
      );
      child.kill('SIGKILL'); // only the address is under test here
      await exited;
      db.cleanup();
    }
  }, 60000);
});

describe('which Teams mode the configuration gives', () => {
  test('neither an app id nor BOT_EMULATOR: Teams is off (main registers no /api/messages route)', () => {
    expect(loadConfig({ TRELLIS_DB: ':memory:' }).teams).toBeUndefined();
    expect(loadConfig({ TRELLIS_DB: ':memory:', BOT_EMULATOR: '' }).teams).toBeUndefined();
  });

  test('credentials win over BOT_EMULATOR; emulator mode allows loopback hosts only', () => {
    expect(loadConfig({ ...CREDENTIALS, BOT_EMULATOR: '1' }).teams).toMatchObject({ mode: 'authenticated' });
    expect(teamsListenHost({ mode: 'emulator' }, undefined)).toBe('127.0.0.1');
    expect(teamsListenHost({ mode: 'emulator' }, '::1')).toBe('::1');
    expect(() => teamsListenHost({ mode: 'emulator' }, '192.168.1.5')).toThrow(ConfigError);
    expect(teamsListenHost(loadConfig(CREDENTIALS).teams, '0.0.0.0')).toBe('0.0.0.0');
  });
});
