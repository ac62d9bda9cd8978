import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { schemaVersion } from '../store';
import { demoCoaches } from '../store/admin-lists';
import { createPrivateFile, PRIVATE_FILE_MODE } from '../store/file-modes';
import { MIGRATIONS } from '../store/migrations';
import { defineCommand, intOption, noPositionals } from './command';
import { seedDemo } from './seed-demo';

export const migrateCommand = defineCommand({
  name: 'migrate',
  usage: 'migrate',
  summary: 'bring the database schema up to date (start-up does this too)',
  options: {},
  schema: z.object({ positionals: noPositionals }),
  run(_args, app, io) {
    // Opening the database already ran every pending migration.
    io.out(
      `schema version ${schemaVersion(app.db)} of ${Math.max(...MIGRATIONS.map((m) => m.version))}: up to date (${app.config.dbFile})`,
    );
    return 0;
  },
});

export const statsCommand = defineCommand({
  name: 'stats',
  usage: 'stats [--json]',
  summary: 'counts of coaches, self-checks, reflections and prompts (no content)',
  options: { json: { type: 'boolean' } },
  schema: z.object({ json: z.boolean().optional(), positionals: noPositionals }),
  run(args, app, io) {
    const byPlatform = app.db
      .prepare<[], { platform: string; n: number }>(
        'SELECT platform, count(*) AS n FROM coaches GROUP BY platform ORDER BY platform',
      )
      .all();
    const count = (table: string) => (app.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    const stats = {
      database: app.config.dbFile,
      schemaVersion: schemaVersion(app.db),
      bytes: app.config.dbFile === ':memory:' ? 0 : fs.statSync(app.config.dbFile).size,
      coaches: Object.fromEntries(byPlatform.map((r) => [r.platform, r.n])),
      selfChecks: count('self_checks'),
      reflections: count('reflections'),
      promptsIssued: count('prompt_issues'),
    };
    if (args.json) io.out(JSON.stringify(stats));
    else {
      io.out(
        `database        ${stats.database} (schema ${stats.schemaVersion}, ${(stats.bytes / 1024).toFixed(0)} KiB)`,
      );
      io.out(`coaches         ${byPlatform.map((r) => `${r.platform} ${r.n}`).join(', ') || '0'}`);
      io.out(`self-checks     ${stats.selfChecks}`);
      io.out(`reflections     ${stats.reflections}`);
      io.out(`prompts issued  ${stats.promptsIssued}`);
    }
    return 0;
  },
});

export const seedDemoCommand = defineCommand({
  name: 'seed-demo',
  usage: 'seed-demo --coaches N --weeks W [--seed S] [--platform console|slack|teams] [--tenant T] [--append]',
  summary:
    'generate realistic demo history, for trying trends and for benchmarks (--append adds more demo coaches to a database that has some)',
  options: {
    coaches: { type: 'string' },
    weeks: { type: 'string' },
    seed: { type: 'string' },
    platform: { type: 'string' },
    tenant: { type: 'string' },
    append: { type: 'boolean' },
  },
  schema: z.object({
    append: z.boolean().optional(),
    coaches: intOption(1, 1_000_000),
    weeks: intOption(1, 520),
    seed: intOption(0, 2 ** 31).optional(),
    platform: z.enum(['console', 'slack', 'teams']).optional(),
    tenant: z.string().min(1).max(64).optional(),
    positionals: noPositionals,
  }),
  run(args, app, io) {
    const existing = demoCoaches(app.db);
    if (existing.count > 0 && !args.append) {
      io.err(
        `${app.config.dbFile} already has ${existing.count} demo coaches (demo-00001 …); seeding again would add to them. Add --append to add ${args.coaches} more demo coaches after them, or point TRELLIS_DB at a new file. Nothing was changed.`,
      );
      return 1;
    }
    const started = Date.now();
    const result = seedDemo(app.repos, app.trellis.catalog, {
      coaches: args.coaches,
      weeks: args.weeks,
      seed: args.seed ?? 1,
      platform: args.platform ?? 'console',
      // The terminal chat's coaches live in tenant "local", so TRELLIS_CONSOLE_USER=demo-00001 npm start shows one.
      tenant: args.tenant ?? (args.platform === undefined || args.platform === 'console' ? 'local' : 'demo'),
      now: app.clock.now(),
      timeZones: ['Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'Asia/Kathmandu', 'UTC'],
      first: existing.highest + 1,
    });
    io.out(
      `seeded ${result.coaches} coaches${existing.count > 0 ? ` (demo-${String(existing.highest + 1).padStart(5, '0')} on)` : ''}, ${result.selfChecks} self-checks, ${result.reflections} reflections over ${args.weeks} weeks in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    return 0;
  },
});

export const backupCommand = defineCommand({
  name: 'backup',
  usage: 'backup FILE',
  summary: 'an online backup of the database to FILE, safe while Trellis runs',
  options: {},
  schema: z.object({
    positionals: z.tuple([z.string().min(1, 'name the backup file')], 'name exactly one backup file'),
  }),
  async run(args, app, io) {
    const target = path.resolve(args.positionals[0]);
    if (fs.existsSync(target)) {
      io.err(`${target} already exists; choose a new file name.`);
      return 1;
    }
    // Created owner-only before a byte is copied into it: a backup holds every coach's ratings.
    createPrivateFile(target);
    await app.db.backup(target);
    fs.chmodSync(target, PRIVATE_FILE_MODE);
    io.out(`backed up ${app.config.dbFile} to ${target} (${(fs.statSync(target).size / 1024).toFixed(0)} KiB)`);
    return 0;
  },
});
