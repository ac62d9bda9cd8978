/**
 * One machine-readable line per headline figure, for `bench/all.ts` (which sets BENCH_ROWS=1 and reads them back).
 * A benchmark run on its own prints none of these: its own report is unchanged.
 */
import { z } from 'zod';

export const ROW_PREFIX = 'BENCH_ROW ';

export const benchRow = z.object({
  /** What is measured, e.g. "weekly: all summaries". */
  name: z.string().min(1).max(80),
  /** The figure with its unit, e.g. "412 ms". */
  figure: z.string().max(60),
  /** The baseline measured in the same run, with its unit ("" when the figure is absolute). */
  baseline: z.string().max(60),
  /** figure / baseline (or figure / bound), when there is one. */
  ratio: z.number().nullable(),
  /** The target as the issue states it, e.g. "<= 1.5x". */
  target: z.string().max(60),
  /** Whether this run met it (null: nothing to judge). Printed, never asserted. */
  met: z.boolean().nullable(),
});
export type BenchRow = z.infer<typeof benchRow>;

/** True when the benchmark was started with `--quick` (bench/all.ts does): fewer coaches, shorter rounds. */
export const quick = process.argv.includes('--quick');

export function printRow(row: BenchRow): void {
  if (process.env.BENCH_ROWS === '1') process.stdout.write(`${ROW_PREFIX}${JSON.stringify(benchRow.parse(row))}\n`);
}
