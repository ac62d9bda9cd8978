import type { InboundEventRepository } from '../core/ports';
import type { Db } from './db';

export function inboundEventRepository(db: Db): InboundEventRepository {
  // One statement claims a new id or takes over a stale unfinished claim; `changes` says which happened.
  const claim = db.prepare(
    `INSERT INTO inbound_events (platform, event_id, received_at) VALUES (@platform, @eventId, @now)
     ON CONFLICT (platform, event_id) DO UPDATE SET received_at = excluded.received_at
       WHERE inbound_events.done_at IS NULL AND inbound_events.received_at < @staleBefore`,
  );
  const finish = db.prepare('UPDATE inbound_events SET done_at = ? WHERE platform = ? AND event_id = ?');
  const purge = db.prepare('DELETE FROM inbound_events WHERE received_at < ?');
  return {
    claim: (platform, eventId, now, staleBefore) => claim.run({ platform, eventId, now, staleBefore }).changes === 1,
    finish: (platform, eventId, now) => {
      finish.run(now, platform, eventId);
    },
    purge: (before) => purge.run(before).changes,
  };
}
