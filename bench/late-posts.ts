/**
 * bench:late-posts: how the Slack client's timeout meets a Slack that holds every post, then completes it. N
 * coaches are due; the fake Slack Web API (on 127.0.0.1) holds each chat.postMessage `--hold-ms` (default 35 s,
 * as seen from a degraded Slack) and then posts it, whether or not the caller still waits. A sender process runs
 * with the shipped settings, then one with the old ones (10 s timeout, no settle before the lookup). Prints, for
 * each, the posts per delivery key: duplicates and losses.
 *
 *   npx tsx bench/late-posts.ts [--coaches 20] [--hold-ms 35000]
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { deliveryKey } from '../src/store/deliveries';
import { FakeSlackApi } from '../test/helpers/fake-slack-api';
import { holdThenLand } from '../test/helpers/slack-faults';
import { tempDir } from '../test/helpers/temp-db';
import { rows, seed, startSender } from '../test/schedule/crash-helpers';

const options = z
  .object({
    coaches: z.coerce.number().int().min(1).max(1000).default(20),
    'hold-ms': z.coerce.number().int().min(0).max(600_000).default(35_000),
  })
  .parse(parseArgs({ options: { coaches: { type: 'string' }, 'hold-ms': { type: 'string' } } }).values);

async function run(label: string, extra: Record<string, number>): Promise<void> {
  const dir = tempDir('trellis-late-');
  const fake = await new FakeSlackApi().start();
  try {
    const file = dir.file('trellis.db');
    seed(file, { platform: 'slack', coaches: options.coaches, channels: 0 });
    holdThenLand(fake, options['hold-ms']);
    const started = Date.now();
    const sender = startSender(file, { slackUrl: fake.url }, 300_000, {
      concurrency: options.coaches * 2,
      'deadline-ms': 600_000,
      ...extra,
    });
    const code = await sender.done;
    const all = rows(file);
    const counts = all.map((r) => fake.postsWithKey(deliveryKey(r)).length);
    const duplicates = counts.reduce((n, c) => n + Math.max(0, c - 1), 0);
    const losses = counts.filter((c) => c === 0).length;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    process.stdout.write(
      `${label.padEnd(34)} exit ${code}  deliveries ${all.length}  posts ${fake.callsTo('chat.postMessage').length}  duplicates ${duplicates}  losses ${losses}  in ${seconds} s\n`,
    );
  } finally {
    await fake.stop();
    dir.cleanup();
  }
}

async function main(): Promise<void> {
  process.stdout.write(`late posts: Slack holds every post ${options['hold-ms']} ms, then completes it\n`);
  await run('shipped (60 s timeout, 60 s settle)', {});
  await run('old (10 s timeout, no settle)', { 'slack-timeout-ms': 10_000, 'settle-ms': 0, 'backoff-base-ms': 2_000 });
}

main().catch((error: unknown) => {
  process.stderr.write(`late-posts failed: ${(error as Error).message}\n`);
  process.exit(1);
});
