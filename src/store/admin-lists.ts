import type { Db } from './db';

/** One coach as the admin CLI lists them: who and where, never what they wrote or rated. */
export interface CoachListing {
  number: number;
  platform: string;
  tenant: string;
  /** The platform's own user id (Slack U…, Teams aad/29:…, the login name in the terminal chat). */
  user: string;
  displayName: string | null;
  timeZone: string;
  /** ISO instant of the coach's latest check-in, reflection or (failing those) first contact. */
  lastActivity: string;
}

/** Every coach (on `platform`, when given), by number. */
export function listCoaches(db: Db, platform?: string): CoachListing[] {
  return db
    .prepare<[string | null, string | null], CoachListing>(
      `SELECT c.id AS number, c.platform, c.tenant, c.user_id AS user, c.display_name AS displayName,
              c.time_zone AS timeZone,
              max(c.created_at,
                  coalesce((SELECT max(checked_at) FROM self_checks WHERE coach_id = c.id), ''),
                  coalesce((SELECT max(created_at) FROM reflections WHERE coach_id = c.id), '')) AS lastActivity
         FROM coaches c
        WHERE ? IS NULL OR c.platform = ?
        ORDER BY c.id`,
    )
    .all(platform ?? null, platform ?? null);
}

/** The latest thing that happened in each peer-supervision channel: registered, joined, left, shared, digest. */
export function groupLastActivity(db: Db): Map<number, string> {
  const rows = db
    .prepare<[], { id: number; at: string }>(
      `SELECT g.id,
              max(g.created_at,
                  coalesce((SELECT max(max(joined_at, coalesce(left_at, ''))) FROM group_members WHERE group_id = g.id), ''),
                  coalesce((SELECT max(shared_at) FROM shared_reflections WHERE group_id = g.id), ''),
                  coalesce((SELECT max(published_at) FROM group_digests WHERE group_id = g.id), '')) AS at
         FROM groups g`,
    )
    .all();
  return new Map(rows.map((r) => [r.id, r.at]));
}

/** How many coaches look like `seed-demo`'s (user ids demo-00001 …), and the highest such number. */
export function demoCoaches(db: Db): { count: number; highest: number } {
  const row = db
    .prepare<[], { count: number; highest: number | null }>(
      `SELECT count(*) AS count, max(CAST(substr(user_id, 6) AS INTEGER)) AS highest
         FROM coaches WHERE user_id GLOB 'demo-[0-9][0-9][0-9][0-9][0-9]*'`,
    )
    .get();
  return { count: row?.count ?? 0, highest: row?.highest ?? 0 };
}
