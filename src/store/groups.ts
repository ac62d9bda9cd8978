import type { Group } from '../core/groups';
import type { Platform, Weekday } from '../core/model';
import type { ClientCompanyRepository, GroupRepository, SharedReflectionRepository } from '../core/ports';
import { plainTextCipher, type TextCipher } from './crypto';
import type { Db } from './db';

interface GroupRow {
  id: number;
  platform: Platform;
  tenant: string;
  channel_id: string;
  name: string | null;
  digest_weekday: number;
  digest_time: string;
  time_zone: string;
  created_by: number | null;
  created_at: string;
}

function toGroup(row: GroupRow): Group {
  return {
    id: row.id,
    platform: row.platform,
    tenant: row.tenant,
    channelId: row.channel_id,
    name: row.name,
    digestWeekday: row.digest_weekday as Weekday,
    digestTime: row.digest_time,
    timeZone: row.time_zone,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

export function groupRepository(db: Db): GroupRepository {
  const find = db.prepare<[string, string, string], GroupRow>(
    'SELECT * FROM groups WHERE platform = ? AND tenant = ? AND channel_id = ?',
  );
  const byId = db.prepare<[number], GroupRow>('SELECT * FROM groups WHERE id = ?');
  const all = db.prepare<[], GroupRow>('SELECT * FROM groups ORDER BY id');
  const insert = db.prepare(
    `INSERT INTO groups (platform, tenant, channel_id, name, digest_weekday, digest_time, time_zone, created_by, created_at)
     VALUES (@platform, @tenant, @channelId, @name, @digestWeekday, @digestTime, @timeZone, @createdBy, @createdAt)
     ON CONFLICT (platform, tenant, channel_id) DO UPDATE SET
       name = coalesce(excluded.name, groups.name), digest_weekday = excluded.digest_weekday,
       digest_time = excluded.digest_time, time_zone = excluded.time_zone`,
  );
  const join = db.prepare(
    `INSERT INTO group_members (group_id, coach_id, joined_at) VALUES (?, ?, ?)
     ON CONFLICT (group_id, coach_id) DO UPDATE SET joined_at = excluded.joined_at, left_at = NULL
     WHERE group_members.left_at IS NOT NULL`,
  );
  const leave = db.prepare(
    'UPDATE group_members SET left_at = ? WHERE group_id = ? AND coach_id = ? AND left_at IS NULL',
  );
  const isMember = db.prepare<[number, number], { n: number }>(
    'SELECT count(*) AS n FROM group_members WHERE group_id = ? AND coach_id = ? AND left_at IS NULL',
  );
  const memberCount = db.prepare<[number], { n: number }>(
    'SELECT count(*) AS n FROM group_members WHERE group_id = ? AND left_at IS NULL',
  );
  const remove = db.prepare('DELETE FROM groups WHERE id = ?');
  const setOwner = db.prepare('UPDATE groups SET created_by = ? WHERE id = ?');
  const groupsOf = db.prepare<[number], GroupRow>(
    `SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id
     WHERE m.coach_id = ? AND m.left_at IS NULL ORDER BY g.id`,
  );

  return {
    register(group) {
      const existed = find.get(group.platform, group.tenant, group.channelId) !== undefined;
      insert.run(group);
      return { group: toGroup(find.get(group.platform, group.tenant, group.channelId) as GroupRow), created: !existed };
    },
    find(platform, tenant, channelId) {
      const row = find.get(platform, tenant, channelId);
      return row ? toGroup(row) : undefined;
    },
    byId(id) {
      const row = byId.get(id);
      return row ? toGroup(row) : undefined;
    },
    all: () => all.all().map(toGroup),
    join: (groupId, coachId, at) => join.run(groupId, coachId, at).changes === 1,
    leave: (groupId, coachId, at) => leave.run(at, groupId, coachId).changes === 1,
    isMember: (groupId, coachId) => (isMember.get(groupId, coachId) as { n: number }).n > 0,
    memberCount: (groupId) => (memberCount.get(groupId) as { n: number }).n,
    groupsOf: (coachId) => groupsOf.all(coachId).map(toGroup),
    remove: (groupId) => remove.run(groupId).changes === 1,
    setOwner: (groupId, coachId) => {
      setOwner.run(coachId, groupId);
    },
  };
}

export function sharedReflectionRepository(db: Db): SharedReflectionRepository {
  const share = db.prepare(
    `INSERT INTO shared_reflections (reflection_id, group_id, shared_at) VALUES (?, ?, ?)
     ON CONFLICT (reflection_id, group_id) DO NOTHING`,
  );
  const groupsSharedWith = db.prepare<[number], { group_id: number }>(
    'SELECT group_id FROM shared_reflections WHERE reflection_id = ? ORDER BY group_id',
  );
  // Ids and dates only: the text is read through the reflection repository, which owns how text is stored.
  const between = db.prepare<[number, string, string], { reflection_id: number; shared_at: string }>(
    `SELECT reflection_id, shared_at FROM shared_reflections
     WHERE group_id = ? AND shared_at > ? AND shared_at <= ? ORDER BY shared_at, reflection_id`,
  );
  return {
    share: (reflectionId, groupId, sharedAt) => share.run(reflectionId, groupId, sharedAt).changes === 1,
    groupsSharedWith: (reflectionId) => groupsSharedWith.all(reflectionId).map((r) => r.group_id),
    between: (groupId, from, to) =>
      between.all(groupId, from, to).map((r) => ({ reflectionId: r.reflection_id, sharedAt: r.shared_at })),
  };
}

/** The field bound into each sealed company name (see ENCRYPTED_FIELDS in encryption.ts). */
const COMPANY_FIELD = 'coach_client_companies.company_text';

/** Company names are sealed by `cipher` on the way in and opened on the way out, like notes. */
export function clientCompanyRepository(db: Db, cipher: TextCipher = plainTextCipher): ClientCompanyRepository {
  const list = db
    .prepare<[number], string>('SELECT company_text FROM coach_client_companies WHERE coach_id = ?')
    .pluck();
  const clear = db.prepare('DELETE FROM coach_client_companies WHERE coach_id = ?');
  const insert = db.prepare('INSERT INTO coach_client_companies (coach_id, company_text) VALUES (?, ?)');
  const replace = db.transaction((coachId: number, names: readonly string[]) => {
    clear.run(coachId);
    for (const name of names) insert.run(coachId, cipher.seal(name, COMPANY_FIELD));
  });
  return {
    list: (coachId) =>
      list
        .all(coachId)
        .map((sealed) => cipher.open(sealed, COMPANY_FIELD))
        .sort((a, b) => a.localeCompare(b)),
    replace: (coachId, names) => replace(coachId, names),
  };
}
