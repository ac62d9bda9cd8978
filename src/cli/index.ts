import { createAppContext } from '../app';
import { ConfigError, loadConfig } from '../config';
import { isTrellisError } from '../core/errors';
import { type CliCommand, type CliIo, parseCommandArgs, UsageError } from './command';
import { backupCommand, migrateCommand, seedDemoCommand, statsCommand } from './core-commands';
import { groupOwnerCommand, groupStopCommand, groupsCommand } from './group-commands';
import { coachesCommand } from './list-commands';
import { portfolioCommand } from './portfolio-command';
import { auditCommand, deleteCommand, exportCommand, purgeCommand, rotateKeyCommand } from './privacy-commands';
import { removalsCommand } from './removal-commands';
import { deliveriesCommand, dueCommand, runDueCommand } from './schedule-commands';
import { digestCommand, summaryCommand } from './weekly-commands';

/** Every admin command. Add new ones here. */
export const COMMANDS: CliCommand<never>[] = [
  migrateCommand,
  statsCommand,
  seedDemoCommand,
  backupCommand,
  coachesCommand,
  exportCommand,
  portfolioCommand,
  deleteCommand,
  purgeCommand,
  rotateKeyCommand,
  auditCommand,
  dueCommand,
  runDueCommand,
  removalsCommand,
  deliveriesCommand,
  summaryCommand,
  digestCommand,
  groupsCommand,
  groupStopCommand,
  groupOwnerCommand,
] as CliCommand<never>[];

export function helpText(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'usage: npm run cli -- <command> [options]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'npm run cli -- <command> --help shows its options. The database is TRELLIS_DB (default data/trellis.db).',
  ].join('\n');
}

const stdio: CliIo = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) };

/** Runs one admin command; returns the exit code. Errors a user can fix are printed, not thrown. */
export async function runCli(argv: string[], io: CliIo = stdio, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`unknown command "${name}"\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(`usage: npm run cli -- ${command.usage}\n\n${command.summary}`);
    return 0;
  }
  try {
    const args = parseCommandArgs(command, rest);
    const app = createAppContext(loadConfig(env));
    if (app.readOnly) {
      io.err(
        `note: TRELLIS_DB=${app.config.dbFile} is open for reading only (${app.readOnly.problem}); commands that change it are refused.`,
      );
    }
    try {
      return (await command.run(args, app, io)) ?? 0;
    } finally {
      app.close();
    }
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      return 2;
    }
    if (error instanceof ConfigError || isTrellisError(error)) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}
