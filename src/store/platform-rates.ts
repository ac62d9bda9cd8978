import { z } from 'zod';
import type { Platform } from '../core/model';
import type { Db } from './db';

/** What a platform's rate limiter learnt: the sends a second the platform accepted, and the margin kept under it. */
export interface LearntRate {
  limit: number;
  margin: number;
}

const row = z.object({
  accepted_per_second: z.number().positive().finite(),
  margin: z.number().min(0).max(0.5),
});

export interface PlatformRateStore {
  /** The rate last learnt for the platform; undefined before its first 429 (or for a row that makes no sense). */
  load(platform: Platform): LearntRate | undefined;
  save(platform: Platform, rate: LearntRate, at: string): void;
}

export function platformRateStore(db: Db): PlatformRateStore {
  const select = db.prepare<[string], unknown>(
    'SELECT accepted_per_second, margin FROM platform_rates WHERE platform = ?',
  );
  const upsert = db.prepare<[string, number, number, string]>(
    `INSERT INTO platform_rates (platform, accepted_per_second, margin, learnt_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (platform) DO UPDATE SET accepted_per_second = excluded.accepted_per_second,
       margin = excluded.margin, learnt_at = excluded.learnt_at`,
  );
  return {
    load(platform) {
      const parsed = row.safeParse(select.get(platform));
      return parsed.success ? { limit: parsed.data.accepted_per_second, margin: parsed.data.margin } : undefined;
    },
    save(platform, rate, at) {
      upsert.run(platform, rate.limit, rate.margin, at);
    },
  };
}
