/**
 * bench:all: runs every benchmark, one after the other, each in its own process, and prints one table of their
 * headline figures (name, figure, baseline measured in the same run, ratio, target).
 *
 *   npm run bench:all -- --quick        # each benchmark briefly (fewer coaches, shorter rounds): about 2 minutes
 *   npm run bench:all                   # each benchmark at its own defaults (half an hour or more)
 *   npm run bench:all -- --only weekly,fanout
 *
 * Figures are printed, never asserted: a missed target does not change the exit code. A benchmark that crashes
 * (exits non-zero) or prints none of its figures does: this exits 1 after the table, so CI sees a benchmark that
 * stopped working at once.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type BenchRow, benchRow, ROW_PREFIX } from './rows';

const BENCHES = ['weekly', 'due-query', 'fanout', 'slack-ack', 'teams-turn', 'soak', 'portfolio'] as const;
type Bench = (typeof BENCHES)[number];

const options = z
  .object({
    quick: z.boolean().default(false),
    only: z
      .string()
      .transform((s) => s.split(',').map((x) => x.trim()))
      .pipe(z.array(z.enum(BENCHES)).min(1))
      .optional(),
  })
  .parse(parseArgs({ options: { quick: { type: 'boolean' }, only: { type: 'string' } } }).values);

interface Outcome {
  bench: Bench;
  code: number | null;
  seconds: number;
  rows: BenchRow[];
}

/** Runs one benchmark; its own report goes to our output indented, its rows are collected. */
function run(bench: Bench): Promise<Outcome> {
  const started = performance.now();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(__dirname, `${bench}.ts`), ...(options.quick ? ['--quick'] : [])],
    { cwd: path.resolve(__dirname, '..'), env: { ...process.env, BENCH_ROWS: '1' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const rows: BenchRow[] = [];
  const lines = (stream: NodeJS.ReadableStream, onLine: (line: string) => void) => {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        onLine(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
      }
    });
    stream.on('end', () => buffer && onLine(buffer));
  };
  if (child.stdout)
    lines(child.stdout, (line) => {
      if (!line.startsWith(ROW_PREFIX)) return void process.stdout.write(`  ${line}\n`);
      const parsed = benchRow.safeParse(JSON.parse(line.slice(ROW_PREFIX.length)));
      if (parsed.success) rows.push(parsed.data);
      else process.stdout.write(`  (a figure line bench:${bench} printed did not parse)\n`);
    });
  if (child.stderr) lines(child.stderr, (line) => process.stdout.write(`  ${line}\n`));
  return new Promise((resolve) => {
    child.once('close', (code) => resolve({ bench, code, seconds: (performance.now() - started) / 1000, rows }));
  });
}

function table(outcomes: Outcome[]): string {
  const head = ['benchmark', 'figure', 'baseline', 'ratio', 'target', 'met'];
  const body = outcomes.flatMap((o) =>
    o.rows.length === 0
      ? [[`${o.bench}: no figures`, '', '', '', '', 'CRASHED']]
      : o.rows.map((r) => [
          r.name,
          r.figure,
          r.baseline,
          r.ratio === null ? '' : `${r.ratio.toFixed(2)}x`,
          r.target,
          r.met === null ? '' : r.met ? 'yes' : 'no',
        ]),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const selected = options.only ?? [...BENCHES];
  const load = () =>
    os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(' ');
  console.log(
    `bench:all${options.quick ? ' --quick' : ''}: ${selected.join(', ')}; ${os.cpus().length} CPUs, node ${process.version}, load average ${load()}`,
  );
  const started = performance.now();
  const outcomes: Outcome[] = [];
  for (const bench of selected) {
    console.log(`\n== bench:${bench}${options.quick ? ' --quick' : ''}`);
    const outcome = await run(bench);
    outcomes.push(outcome);
    console.log(`== bench:${bench}: exit ${outcome.code}, ${outcome.seconds.toFixed(1)} s`);
  }
  const crashed = outcomes.filter((o) => o.code !== 0 || o.rows.length === 0);
  const missed = outcomes.flatMap((o) => o.rows).filter((r) => r.met === false).length;
  console.log(
    `\nbench:all: ${((performance.now() - started) / 1000).toFixed(0)} s in all, load average now ${load()} (figures move with the machine's load)`,
  );
  console.log(table(outcomes));
  console.log(
    `targets missed in this run: ${missed} (printed, not asserted)${crashed.length ? `; CRASHED: ${crashed.map((o) => `${o.bench} (exit ${o.code}, ${o.rows.length} figures)`).join(', ')}` : ''}`,
  );
  if (crashed.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
