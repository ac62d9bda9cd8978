import { type DigestFigures, digestFiguresSchema } from '../core/group-figures';
import type { GroupDigestRepository, PublishedDigest } from '../core/ports';
import type { Db } from './db';

interface DigestRow {
  week_start: string;
  published_at: string;
  figures: string;
}

function toPublished(row: DigestRow): PublishedDigest {
  return {
    weekStart: row.week_start,
    publishedAt: row.published_at,
    figures: digestFiguresSchema.parse(JSON.parse(row.figures)) as DigestFigures,
  };
}

/** Digest figures as first published, per group and week; a week once stored is never rewritten. */
export function groupDigestRepository(db: Db): GroupDigestRepository {
  const insert = db.prepare(
    `INSERT INTO group_digests (group_id, week_start, published_at, figures) VALUES (?, ?, ?, ?)
     ON CONFLICT (group_id, week_start) DO NOTHING`,
  );
  const get = db.prepare<[number, string], DigestRow>(
    'SELECT week_start, published_at, figures FROM group_digests WHERE group_id = ? AND week_start = ?',
  );
  const upTo = db.prepare<[number, string, number], DigestRow>(
    `SELECT week_start, published_at, figures FROM group_digests WHERE group_id = ? AND week_start <= ?
     ORDER BY week_start DESC LIMIT ?`,
  );
  const latest = db.prepare<[number], DigestRow>(
    'SELECT week_start, published_at, figures FROM group_digests WHERE group_id = ? ORDER BY week_start DESC LIMIT 1',
  );
  return {
    publish(groupId, weekStart, publishedAt, figures) {
      insert.run(groupId, weekStart, publishedAt, JSON.stringify(digestFiguresSchema.parse(figures)));
      return toPublished(get.get(groupId, weekStart) as DigestRow);
    },
    get(groupId, weekStart) {
      const row = get.get(groupId, weekStart);
      return row ? toPublished(row) : undefined;
    },
    upTo: (groupId, weekStart, limit) => upTo.all(groupId, weekStart, limit).map(toPublished),
    latest(groupId) {
      const row = latest.get(groupId);
      return row ? toPublished(row) : undefined;
    },
  };
}
