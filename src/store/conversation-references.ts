import type { Platform } from '../core/model';
import type { Db } from './db';

export type ReferenceScope = 'personal' | 'channel';

/** Where a proactive message goes: a coach's personal chat or a channel, as the platform described it. */
export interface ConversationReferenceKey {
  platform: Platform;
  tenant: string;
  scope: ReferenceScope;
  /** The coach's user id (personal) or the channel's conversation id (channel). */
  key: string;
}

export interface StoredConversationReference extends ConversationReferenceKey {
  /** The platform's own reference object, stored as JSON; the platform adapter checks its shape on load. */
  reference: unknown;
  updatedAt: string;
}

export interface ConversationReferenceRepository {
  /** Inserts or replaces the reference; an unchanged reference is not rewritten. */
  save(key: ConversationReferenceKey, reference: unknown): void;
  find(key: ConversationReferenceKey): StoredConversationReference | undefined;
  /** Whether exactly this reference is stored under the key: one read by key, so a caller can skip an unneeded write. */
  holds(key: ConversationReferenceKey, reference: unknown): boolean;
  list(platform: Platform, scope: ReferenceScope): StoredConversationReference[];
  count(): number;
  /** Forgets one reference (a coach who deleted their data); true when there was one. */
  remove(key: ConversationReferenceKey): boolean;
}

interface Row {
  platform: Platform;
  tenant: string;
  scope: ReferenceScope;
  key: string;
  reference: string;
  updated_at: string;
}

function toStored(row: Row): StoredConversationReference {
  return {
    platform: row.platform,
    tenant: row.tenant,
    scope: row.scope,
    key: row.key,
    reference: JSON.parse(row.reference) as unknown,
    updatedAt: row.updated_at,
  };
}

export function conversationReferenceRepository(
  db: Db,
  now: () => Date = () => new Date(),
): ConversationReferenceRepository {
  const upsert = db.prepare(
    `INSERT INTO conversation_references (platform, tenant, scope, key, reference, updated_at)
     VALUES (@platform, @tenant, @scope, @key, @reference, @updatedAt)
     ON CONFLICT (platform, tenant, scope, key) DO UPDATE
       SET reference = excluded.reference, updated_at = excluded.updated_at
       WHERE reference <> excluded.reference`,
  );
  const findOne = db.prepare<[string, string, string, string], Row>(
    'SELECT * FROM conversation_references WHERE platform = ? AND tenant = ? AND scope = ? AND key = ?',
  );
  const holdsOne = db
    .prepare<[string, string, string, string, string], number>(
      'SELECT 1 FROM conversation_references WHERE platform = ? AND tenant = ? AND scope = ? AND key = ? AND reference = ?',
    )
    .pluck();
  const listAll = db.prepare<[string, string], Row>(
    'SELECT * FROM conversation_references WHERE platform = ? AND scope = ? ORDER BY tenant, key',
  );
  const countAll = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM conversation_references');
  const removeOne = db.prepare(
    'DELETE FROM conversation_references WHERE platform = ? AND tenant = ? AND scope = ? AND key = ?',
  );
  return {
    save(key, reference) {
      upsert.run({ ...key, reference: JSON.stringify(reference), updatedAt: now().toISOString() });
    },
    find(key) {
      const row = findOne.get(key.platform, key.tenant, key.scope, key.key);
      return row ? toStored(row) : undefined;
    },
    holds(key, reference) {
      return holdsOne.get(key.platform, key.tenant, key.scope, key.key, JSON.stringify(reference)) === 1;
    },
    list(platform, scope) {
      return listAll.all(platform, scope).map(toStored);
    },
    count() {
      return countAll.get()?.n ?? 0;
    },
    remove(key) {
      return removeOne.run(key.platform, key.tenant, key.scope, key.key).changes > 0;
    },
  };
}
