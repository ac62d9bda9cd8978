import { z } from 'zod';
import { isKey } from '../config';
import { writeExportFiles } from '../platforms/console/export-files';
import { EncryptionError } from '../store/crypto';
import { rotateKey } from '../store/encryption';
import { coachArgs, coachName, findCoach } from './coach-selector';
import { defineCommand, noPositionals } from './command';

export const exportCommand = defineCommand({
  name: 'export',
  usage: 'export --coach <id|platform:tenant:user|user> [--platform P] [--out DIR]',
  summary: "write one coach's data (self-checks, reflections, settings, prompts) as JSON and CSV files",
  options: { ...coachArgs.options, out: { type: 'string' } },
  schema: z.object({ ...coachArgs.schema, out: z.string().min(1).optional(), positionals: noPositionals }),
  run(args, app, io) {
    const found = findCoach(app, args.coach, args.platform);
    if ('problem' in found) {
      io.err(`${found.problem}; nothing was exported. "npm run cli -- stats" shows how many coaches there are.`);
      return 1;
    }
    const { coach } = found;
    const reply = app.trellis.exportData(coach, 'admin');
    const dir = writeExportFiles(args.out ?? 'data/exports', `coach-${coach.id}`, app.clock.now(), reply.files ?? []);
    io.out(`exported coach ${coach.id} to ${dir}:`);
    for (const f of reply.files ?? []) io.out(`  ${f.filename}`);
    return 0;
  },
});

export const deleteCommand = defineCommand({
  name: 'delete',
  usage: 'delete --coach <id|platform:tenant:user|user> [--platform P] [--messages-only] --yes',
  summary:
    "delete every row about one coach, for real, and queue Trellis's messages in their chat for removal (asks for --yes); --messages-only removes the messages and keeps the journal",
  options: { ...coachArgs.options, yes: { type: 'boolean' }, 'messages-only': { type: 'boolean' } },
  schema: z.object({
    ...coachArgs.schema,
    yes: z.boolean().optional(),
    'messages-only': z.boolean().optional(),
    positionals: noPositionals,
  }),
  run(args, app, io) {
    const found = findCoach(app, args.coach, args.platform);
    if ('problem' in found) {
      io.err(`${found.problem}; nothing was deleted.`);
      return 1;
    }
    const { coach } = found;
    const messagesOnly = args['messages-only'] === true;
    if (!args.yes) {
      const who = `coach ${coach.id} (${coachName(coach)})`;
      io.err(
        messagesOnly
          ? `This removes Trellis's messages and files from the chat of ${who}; their journal stays. Run again with --yes.`
          : `This deletes ${who} and all their data. Run again with --yes.`,
      );
      return 2;
    }
    const reply = messagesOnly
      ? app.trellis.confirmDeleteMessages(coach, 'admin')
      : app.trellis.confirmDelete(coach, 'admin');
    // The running server's tick removes what was queued within a minute; `run-due` does it at once.
    const queued = coach.platform === 'console' ? '' : ` ${reply.lines[messagesOnly ? 0 : 1]}`;
    io.out(`coach ${coach.id}: ${messagesOnly ? '' : reply.lines[0]}${queued}`.trim());
    return 0;
  },
});

export const purgeCommand = defineCommand({
  name: 'purge',
  usage: 'purge',
  summary: 'apply TRELLIS_RETENTION_DAYS now: purge older notes and reflections (ratings stay)',
  options: {},
  schema: z.object({ positionals: noPositionals }),
  run(_args, app, io) {
    const result = app.trellis.runRetention(app.clock.now(), 'admin');
    if (!result.ran) {
      io.out('TRELLIS_RETENTION_DAYS is not set: everything is kept, nothing was purged.');
      return 0;
    }
    io.out(
      `purged ${result.notes} notes and ${result.reflections} reflections from before ${result.cutoff} (ratings kept); queued ${result.messages} of Trellis's platform messages and files from before then for removal`,
    );
    return 0;
  },
});

export const rotateKeyCommand = defineCommand({
  name: 'rotate-key',
  usage: 'rotate-key [--new-key KEY]   (or set TRELLIS_NEW_ENCRYPTION_KEY, which keeps the key out of shell history)',
  summary: 're-encrypt every note and reflection under a new key, in one transaction',
  options: { 'new-key': { type: 'string' } },
  schema: z.object({ 'new-key': z.string().min(1).optional(), positionals: noPositionals }),
  run(args, app, io) {
    const newKey = args['new-key'] ?? app.config.newEncryptionKey;
    if (!newKey) {
      io.err('Give the new key: --new-key KEY, or TRELLIS_NEW_ENCRYPTION_KEY. Generate one with: openssl rand -hex 32');
      return 2;
    }
    if (!isKey(newKey)) {
      io.err('The new key must be 32 bytes, as 64 hex characters or 44 base64 characters.');
      return 2;
    }
    let count: number;
    try {
      count = rotateKey(app.db, app.config.encryptionKey, newKey, app.clock.now());
    } catch (error) {
      if (!(error instanceof EncryptionError)) throw error;
      io.err(`${error.message} The rotation was rolled back: every value is still under the old key.`);
      return 1;
    }
    io.out(
      `re-encrypted ${count} values under the new key. Set TRELLIS_ENCRYPTION_KEY to the new key before Trellis starts again; the old key no longer opens this database.`,
    );
    return 0;
  },
});

export const auditCommand = defineCommand({
  name: 'audit',
  usage: 'audit --coach <id|platform:tenant:user|user> [--platform P]',
  summary: 'who exported, deleted or shared what about one coach, and when (ids only)',
  options: coachArgs.options,
  schema: z.object({ ...coachArgs.schema, positionals: noPositionals }),
  run(args, app, io) {
    const found = findCoach(app, args.coach, args.platform);
    let id: number;
    if ('coach' in found) id = found.coach.id;
    else if (args.coach.form === 'number')
      id = args.coach.id; // the audit log outlives a deleted coach
    else {
      io.err(`${found.problem}. A deleted coach is found by number only.`);
      return 1;
    }
    for (const entry of app.repos.privacy.auditFor(id)) io.out(JSON.stringify(entry));
    return 0;
  },
});
