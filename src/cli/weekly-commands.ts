import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Message } from '../core/message';
import { toPlainText } from '../core/message';
import { coachArgs, findCoach } from './coach-selector';
import { type CliIo, defineCommand, noPositionals } from './command';
import { channelArgs, findGroup } from './group-commands';

const dryRun = z.literal(true, {
  error: 'add --dry-run: the CLI only shows what would be posted; the scheduler does the sending',
});
const instant = z.iso.datetime({ offset: true, error: 'an ISO instant such as 2026-11-23T09:00:00Z' }).optional();
const pngFile = z.string().min(1).endsWith('.png', 'name a .png file').optional();

function writePng(message: Message | undefined, file: string | undefined, io: CliIo): number {
  if (!file) return 0;
  if (!message?.image) {
    io.err('no chart for this one: nothing is drawn when there are no numbers to show.');
    return 1;
  }
  const target = path.resolve(file);
  fs.mkdirSync(path.dirname(target), { recursive: true });
  fs.writeFileSync(target, message.image.png);
  io.err(`chart written to ${target} (${message.image.png.length} bytes)`);
  return 0;
}

export const summaryCommand = defineCommand({
  name: 'summary',
  usage: 'summary --coach <id|platform:tenant:user|user> --dry-run [--platform P] [--at ISO] [--png FILE]',
  summary: "print a coach's weekly summary exactly as it would be posted (plain text); --png writes the chart",
  options: {
    ...coachArgs.options,
    'dry-run': { type: 'boolean' },
    at: { type: 'string' },
    png: { type: 'string' },
  },
  schema: z.object({
    ...coachArgs.schema,
    'dry-run': dryRun,
    at: instant,
    png: pngFile,
    positionals: noPositionals,
  }),
  async run(args, app, io) {
    const found = findCoach(app, args.coach, args.platform);
    if ('problem' in found) {
      io.err(found.problem);
      return 1;
    }
    const { coach } = found;
    const now = args.at ? new Date(args.at) : app.clock.now();
    const message = await app.trellis.weeklySummaryFor(coach.id, now, { chart: true });
    if (!message) {
      io.out(`nothing would be sent: coach ${coach.id} has paused until ${coach.settings.pausedUntil}.`);
      return 0;
    }
    io.out(toPlainText(message));
    return writePng(message, args.png, io);
  },
});

export const digestCommand = defineCommand({
  name: 'digest',
  usage: 'digest --channel <id> --dry-run [--platform P] [--at ISO] [--png FILE]',
  summary: "print a peer-supervision channel's digest: as published when that week is, else a preview (nothing stored)",
  options: {
    ...channelArgs.options,
    'dry-run': { type: 'boolean' },
    at: { type: 'string' },
    png: { type: 'string' },
  },
  schema: z.object({
    ...channelArgs.schema,
    'dry-run': dryRun,
    at: instant,
    png: pngFile,
    positionals: noPositionals,
  }),
  async run(args, app, io) {
    const found = findGroup(app, args.channel, args.platform);
    if ('problem' in found) {
      io.err(found.problem);
      return 1;
    }
    const now = args.at ? new Date(args.at) : app.clock.now();
    // A dry run never publishes: a week not yet published stays open to the delivery's own build.
    const digest = app.trellis.weekly.digestData(found.group, now);
    const message = await app.trellis.weekly.digestMessageFor(digest, { chart: true });
    io.out(toPlainText(message));
    return writePng(message, args.png, io);
  },
});
