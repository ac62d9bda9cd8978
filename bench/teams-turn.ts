/**
 * bench/teams-turn: a `selfcheck 4 3 5 4 4 2` message through the real POST /api/messages (CloudAdapter in
 * emulator mode on 127.0.0.1, core, SQLite, Adaptive Card reply to a fake Bot Connector), under concurrent load
 * from autocannon in a second process, against a bare botbuilder echo bot measured in the same run with the same
 * settings. Prints throughput, p50 and p99 latency, and the ratios. Target (issue 18): >= 0.95x throughput, <= 1.1x p99.
 * A third bot, the "floor" (bench/teams-turn-floor.ts: the echo bot plus one durable insert a turn), is printed beside
 * them and judged on nothing.
 *
 *   npm run bench:teams-turn [-- --seconds 5 --connections 10 --rounds 5] [--quick]
 *
 * --quick (bench:all): three rounds of 2 s per bot after a 1 s warm-up, unless given.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createAppContext } from '../src/app';
import { loadConfig } from '../src/config';
import { TEAMS_ROUTE } from '../src/platforms/teams';
import { startEchoBaseline } from '../src/platforms/teams/echo-baseline';
import { startServer } from '../src/server';
import { GroupCommit } from '../src/store';
import { printRow, quick } from './rows';
import { startEchoFloor } from './teams-turn-floor';

const ROOT = path.resolve(__dirname, '..');
const argsSchema = z.object({
  seconds: z.coerce
    .number()
    .int()
    .min(1)
    .max(60)
    .default(quick ? 2 : 5),
  connections: z.coerce.number().int().min(1).max(256).default(10),
  rounds: z.coerce
    .number()
    .int()
    .min(1)
    .max(9)
    .default(quick ? 3 : 5),
  users: z.coerce.number().int().min(1).max(10000).default(50),
  quick: z.boolean().default(false),
});

const loadResult = z.object({
  throughput: z.number(),
  p50: z.number(),
  p99: z.number(),
  total: z.number(),
  non2xx: z.number(),
  errors: z.number(),
  timeouts: z.number(),
});
type LoadResult = z.infer<typeof loadResult>;

function tsx(script: string, args: string[] = []): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, script), ...args], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'inherit'],
  });
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) {
        child.stdout?.off('data', onData);
        resolve(out.slice(0, nl));
      }
    };
    child.stdout?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${code}: child exited before answering`)));
  });
}

async function load(label: string, url: string, serviceUrl: string, opts: z.infer<typeof argsSchema>, seconds: number) {
  const child = tsx('bench/teams-turn-load.ts', [
    JSON.stringify({
      url,
      serviceUrl,
      seconds,
      connections: opts.connections,
      users: opts.users,
      text: 'selfcheck 4 3 5 4 4 2',
      label,
    }),
  ]);
  return loadResult.parse(JSON.parse(await firstLine(child)));
}

/** Rounds alternate between the two bots; the median round resists another process's burst on a shared machine. */
const median = (xs: number[]) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      seconds: { type: 'string' },
      connections: { type: 'string' },
      rounds: { type: 'string' },
      users: { type: 'string' },
      quick: { type: 'boolean' },
    },
  });
  const opts = argsSchema.parse(values);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'trellis-bench-'));

  const connectorProcess = tsx('bench/teams-turn-connector.ts');
  const connector = z.object({ url: z.string() }).parse(JSON.parse(await firstLine(connectorProcess)));

  const config = loadConfig({
    TRELLIS_DB: path.join(dir, 'bench.db'),
    TRELLIS_TZ: 'UTC',
    BOT_EMULATOR: '1',
    LOG_LEVEL: 'warn',
  });
  if (!config.teams) throw new Error('emulator config expected');
  const app = createAppContext(config);
  // The server of `npm start` (src/server.ts), Teams only and without the scheduler's minute tick.
  const server = await startServer(app, { port: 0, host: '127.0.0.1', platforms: ['teams'], scheduler: false });
  const trellisUrl = `http://127.0.0.1:${server.port}${TEAMS_ROUTE}`;
  const echo = await startEchoBaseline();
  // Not the baseline: the echo bot plus one durable insert a turn (bench/teams-turn-floor.ts), printed beside it.
  const floor = await startEchoFloor(dir);

  const targets = [
    { name: 'trellis', url: trellisUrl },
    { name: 'echo', url: echo.url },
    { name: 'floor', url: floor.url },
  ] as const;
  const results: Record<string, LoadResult[]> = { trellis: [], echo: [], floor: [] };
  // CPU time of this process (all bots, all threads: the checkpoint worker too) per request served in a round:
  // what a turn costs, which another process's burst on a shared machine moves far less than wall-clock latency.
  const cpuPerRequest: Record<string, number[]> = { trellis: [], echo: [], floor: [] };
  const commitStats = app.commits instanceof GroupCommit ? app.commits.stats : { batches: 0 };
  try {
    for (const t of targets) await load(`warm-${t.name}`, t.url, connector.url, opts, quick ? 1 : 2);
    for (let round = 0; round < opts.rounds; round++) {
      // Each round starts with another bot, so a drift of the machine's load does not favour the one always first.
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const t of order) {
        const cpu = process.cpuUsage();
        const commitsBefore = { ...commitStats };
        const r = await load(`${t.name}-${round}`, t.url, connector.url, opts, opts.seconds);
        const used = process.cpuUsage(cpu);
        const cpuUs = (used.user + used.system) / Math.max(1, r.total);
        results[t.name].push(r);
        cpuPerRequest[t.name].push(cpuUs);
        // How the turns' writes shared commits: each COMMIT writes the pages it changed to the WAL, the most a turn costs.
        const batches = commitStats.batches - commitsBefore.batches;
        const grouped = t.name === 'trellis' ? `, ${(batches / Math.max(1, r.total)).toFixed(2)} COMMITs a turn` : '';
        process.stdout.write(
          `round ${round + 1} ${t.name.padEnd(7)} ${r.throughput.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms  CPU ${cpuUs.toFixed(0)} µs/request  (${r.total} requests, ${r.non2xx} non-2xx, ${r.errors} errors${grouped})\n`,
        );
      }
    }
  } finally {
    await server.stop();
    await echo.close();
    await floor.close();
    connectorProcess.stdin?.end();
    const checks = app.repos.selfChecks.count();
    app.close();
    fs.rmSync(dir, { recursive: true, force: true });
    process.stdout.write(`self-checks stored: ${checks}\n`);
  }

  const summary = (name: string) => ({
    throughput: median(results[name].map((r) => r.throughput)),
    p50: median(results[name].map((r) => r.p50)),
    p99: median(results[name].map((r) => r.p99)),
    failed: results[name].reduce((n, r) => n + r.non2xx + r.errors + r.timeouts, 0),
    cpu: median(cpuPerRequest[name]),
  });
  const t = summary('trellis');
  const e = summary('echo');
  const f = summary('floor');
  // The target is judged on the median of each round's ratio to the echo round next to it (as bench:weekly does):
  // a ratio of two medians can pair one bot's quiet round with the other's busy one.
  const perRound = (name: string, of: (r: LoadResult) => number) =>
    median(results[name].map((r, i) => of(r) / of(results.echo[i])));
  const cpuRatio = (name: string) => median(cpuPerRequest[name].map((c, i) => c / cpuPerRequest.echo[i]));
  const throughputRatio = perRound('trellis', (r) => r.throughput);
  const p99Ratio = perRound('trellis', (r) => r.p99);
  const row = (label: string, x: ReturnType<typeof summary>) =>
    `${label}${x.throughput.toFixed(0).padStart(7)}  ${x.p50.toFixed(1).padStart(7)}  ${x.p99.toFixed(1).padStart(7)}  ${x.cpu.toFixed(0).padStart(11)}  ${x.failed}`;
  const ratios = (label: string, name: string) =>
    `${label}${perRound(name, (r) => r.throughput)
      .toFixed(2)
      .padStart(6)}x  ${perRound(name, (r) => r.p50)
      .toFixed(2)
      .padStart(6)}x  ${perRound(name, (r) => r.p99)
      .toFixed(2)
      .padStart(6)}x  ${cpuRatio(name).toFixed(2).padStart(10)}x`;
  process.stdout.write(
    [
      '',
      `Teams turn, ${opts.connections} connections, medians of ${opts.rounds} rounds of ${opts.seconds} s (bots in rotating order), ${os.cpus().length} CPUs, Node ${process.version}`,
      `                      req/s    p50 ms   p99 ms   CPU µs/req   failed`,
      row('trellis selfcheck  ', t),
      row('botbuilder echo    ', e),
      row('echo + 1 insert    ', f),
      ratios('trellis / echo     ', 'trellis'),
      ratios('floor / echo       ', 'floor'),
      '(ratios: median of the rounds\' ratios to the echo round; "floor" = the echo bot with one durable SQLite insert a turn, not the baseline)',
      `target: throughput >= 0.95x ${throughputRatio >= 0.95 ? 'met' : 'MISSED'}, p99 <= 1.10x ${p99Ratio <= 1.1 ? 'met' : 'MISSED'}`,
      '',
    ].join('\n'),
  );
  printRow({
    name: 'teams-turn: throughput vs echo bot',
    figure: `${t.throughput.toFixed(0)} req/s`,
    baseline: `${e.throughput.toFixed(0)} req/s`,
    ratio: throughputRatio,
    target: '>= 0.95x',
    met: throughputRatio >= 0.95,
  });
  printRow({
    name: 'teams-turn: p99 vs echo bot',
    figure: `${t.p99.toFixed(1)} ms`,
    baseline: `${e.p99.toFixed(1)} ms`,
    ratio: p99Ratio,
    target: '<= 1.1x',
    met: p99Ratio <= 1.1,
  });
  printRow({
    name: 'teams-turn: floor (echo + 1 insert) vs echo bot',
    figure: `${f.throughput.toFixed(0)} req/s`,
    baseline: `${e.throughput.toFixed(0)} req/s`,
    ratio: perRound('floor', (r) => r.throughput),
    target: 'none (not the baseline)',
    met: null,
  });
  process.exit(0);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
