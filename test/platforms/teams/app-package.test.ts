import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { tempDir } from '../../helpers/temp-db';

/** Reads a zip the way an unzip tool does: from the central directory, checking each file's CRC-32. */
function readZip(bytes: Buffer): Map<string, Buffer> {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(end).toBeGreaterThan(0);
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    expect(bytes.readUInt32LE(at)).toBe(0x02014b50);
    const method = bytes.readUInt16LE(at + 10);
    const crc = bytes.readUInt32LE(at + 16);
    const size = bytes.readUInt32LE(at + 20);
    const nameLength = bytes.readUInt16LE(at + 28);
    const extra = bytes.readUInt16LE(at + 30);
    const comment = bytes.readUInt16LE(at + 32);
    const local = bytes.readUInt32LE(at + 42);
    const name = bytes.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    expect(bytes.readUInt32LE(local)).toBe(0x04034b50);
    const dataStart = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
    const raw = bytes.subarray(dataStart, dataStart + size);
    const data = method === 8 ? zlib.inflateRawSync(raw) : Buffer.from(raw);
    expect(zlib.crc32(data)).toBe(crc);
    files.set(name, data);
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

function pngSize(png: Buffer): { width: number; height: number; colourType: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), colourType: png.readUInt8(25) };
}

const APP_ID = '0f2c5a9e-4b7d-4c1e-9a3b-2d6e8f1a7c55';

function packageScript(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'scripts/teams-package.ts', ...args], {
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
    timeout: 60000,
  });
}

describe('npm run teams:package', () => {
  const dir = tempDir();
  afterAll(() => dir.cleanup());

  test('builds a zip with a 1.17 manifest for the bot, the command lists and both icons', () => {
    const out = dir.file('pkg.zip');
    const run = packageScript(['--out', out], { MICROSOFT_APP_ID: APP_ID });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const files = readZip(fs.readFileSync(out));
    expect([...files.keys()].sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);

    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8'));
    expect(manifest.manifestVersion).toBe('1.17');
    expect(manifest.$schema).toContain('/v1.17/MicrosoftTeams.schema.json');
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    const [bot] = manifest.bots;
    expect(bot.botId).toBe(APP_ID);
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    // Export files reach the personal chat by file consent, which Teams allows only to a bot that supports files.
    expect(bot.supportsFiles).toBe(true);
    const personal = bot.commandLists.find((l: { scopes: string[] }) => l.scopes.includes('personal'));
    expect(personal.commands.map((c: { title: string }) => c.title)).toEqual(
      expect.arrayContaining(['selfcheck', 'prompt', 'history', 'trend', 'settings', 'help']),
    );
    const channel = bot.commandLists.find((l: { scopes: string[] }) => l.scopes.includes('team'));
    expect(channel.commands.map((c: { title: string }) => c.title)).toContain('digest here');
    for (const list of bot.commandLists) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const c of list.commands) {
        expect(c.title.length).toBeLessThanOrEqual(32);
        expect(c.description.length).toBeLessThanOrEqual(128);
      }
    }

    expect(pngSize(files.get('color.png')!)).toEqual({ width: 192, height: 192, colourType: 6 });
    expect(pngSize(files.get('outline.png')!)).toEqual({ width: 32, height: 32, colourType: 6 });
  });

  test('--app-id wins over the environment; a bad app id is refused with what to fix and no file', () => {
    const out = dir.file('flag.zip');
    const ok = packageScript(['--app-id', APP_ID, '--out', out], { MICROSOFT_APP_ID: 'not-a-guid' });
    expect(ok.status).toBe(0);
    expect(JSON.parse(readZip(fs.readFileSync(out)).get('manifest.json')!.toString()).id).toBe(APP_ID);

    const bad = dir.file('bad.zip');
    const refused = packageScript(['--app-id', 'trellis-bot', '--out', bad]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('--app-id / MICROSOFT_APP_ID');
    expect(refused.stderr).toContain('GUID');
    expect(fs.existsSync(bad)).toBe(false);
  });
});
