import { randomBytes } from 'node:crypto';
import { createRepositories, openDatabase, schemaVersion } from '../../src/store';
import { createTextCipher, ENCRYPTED_PREFIX } from '../../src/store/crypto';
import { testSettings } from '../helpers/settings';
import { tempDbFile } from '../helpers/temp-db';
import { addReflection, inChannel, makeWeeklyTrellis, slackRef } from '../helpers/weekly';

describe('migration 5: groups, memberships, shared reflections, client companies', () => {
  test('upgrades a version-2 database with data in place, and the repositories work on it', () => {
    const { file, cleanup } = tempDbFile();
    try {
      const old = openDatabase(file, { migrateTo: 2 });
      expect(schemaVersion(old)).toBe(2);
      // The repositories are for the current schema: write the old data as version 2 had it.
      old
        .prepare(
          "INSERT INTO coaches (platform, tenant, user_id, created_at) VALUES ('slack', 'T1', 'U1', '2026-01-01')",
        )
        .run();
      old.close();

      const db = openDatabase(file);
      expect(schemaVersion(db)).toBeGreaterThanOrEqual(5);
      const repos = createRepositories(db);
      const coach = repos.coaches.find({ platform: 'slack', tenant: 'T1', user: 'U1' })!;
      const base = {
        platform: 'slack' as const,
        tenant: 'T1',
        channelId: 'C1',
        name: 'peers',
        digestWeekday: 5 as const,
        digestTime: '15:00',
        timeZone: 'Europe/London',
        createdBy: coach.id,
        createdAt: '2027-01-04T09:00:00Z',
      };
      const first = repos.groups.register(base);
      expect(first.created).toBe(true);
      // Registering again updates the schedule, keeps the id and the name.
      const again = repos.groups.register({ ...base, name: null, digestWeekday: 1, digestTime: '08:30' });
      expect(again).toMatchObject({ created: false, group: { id: first.group.id, name: 'peers', digestWeekday: 1 } });

      const g = first.group.id;
      expect(repos.groups.join(g, coach.id, 't1')).toBe(true);
      expect(repos.groups.join(g, coach.id, 't2')).toBe(false);
      expect(repos.groups.memberCount(g)).toBe(1);
      expect(repos.groups.leave(g, coach.id, 't3')).toBe(true);
      expect(repos.groups.leave(g, coach.id, 't4')).toBe(false);
      expect(repos.groups.groupsOf(coach.id)).toEqual([]);
      expect(repos.groups.join(g, coach.id, 't5')).toBe(true); // rejoin
      expect(repos.groups.groupsOf(coach.id).map((x) => x.id)).toEqual([g]);

      repos.clientCompanies.replace(coach.id, ['Globex', 'Acme']);
      expect(repos.clientCompanies.list(coach.id)).toEqual(['Acme', 'Globex']);
      repos.clientCompanies.replace(coach.id, []);
      expect(repos.clientCompanies.list(coach.id)).toEqual([]);
      db.close();
    } finally {
      cleanup();
    }
  });
});

describe('privacy of peer-supervision data', () => {
  test('client company names are sealed at rest when a key is set, and read back in the clear', () => {
    const { file, cleanup } = tempDbFile();
    try {
      const db = openDatabase(file);
      const repos = createRepositories(db, () => new Date(), createTextCipher(randomBytes(32).toString('hex')));
      const coach = repos.coaches.upsert(
        { platform: 'slack', tenant: 'T1', user: 'U1' },
        testSettings({ promptDays: [1] }),
      );
      repos.clientCompanies.replace(coach.id, ['Globex', 'Acme']);
      expect(repos.clientCompanies.list(coach.id)).toEqual(['Acme', 'Globex']);
      const stored = db.prepare('SELECT company_text FROM coach_client_companies').pluck().all() as string[];
      expect(stored).toHaveLength(2);
      for (const value of stored) {
        expect(value.startsWith(ENCRYPTED_PREFIX)).toBe(true);
        expect(value).not.toMatch(/Globex|Acme/);
      }
      db.close();
    } finally {
      cleanup();
    }
  });

  test('sharing is audited; deleting a coach removes their memberships, shares and company list', () => {
    const t = makeWeeklyTrellis('2027-01-08T15:00:00Z', { charts: false });
    try {
      const u1 = slackRef('U1');
      t.trellis.handleText(u1, '/selfcheck digest here', inChannel('C1'));
      t.trellis.handleText(u1, '/selfcheck group join', inChannel('C1'));
      t.trellis.handleText(u1, 'settings companies Globex');
      const coach = t.trellis.coach(u1);
      const reflection = addReflection(t.repos, coach, '2027-01-08', 'A moment of silence that helped.');
      t.trellis.shareReflection(u1, reflection.id);
      const audit = t.repos.privacy.auditFor(coach.id);
      expect(audit.find((a) => a.action === 'share')).toMatchObject({
        actor: 'coach',
        objectIds: { reflection: reflection.id, groups: [1] },
      });
      expect(JSON.stringify(audit)).not.toContain('silence');

      // The coach's export carries it all: the group, the share, the company list.
      const exported = t.trellis.exportData(u1);
      const json = JSON.parse(exported.files?.find((f) => f.filename.endsWith('.json'))?.content ?? '{}');
      expect(json.peerSupervision).toEqual({
        groups: [{ channelId: 'C1', name: 'peer-group' }],
        sharedReflections: [{ reflectionId: reflection.id, groupIds: [1] }],
        clientCompanies: ['Globex'],
      });

      const removed = t.repos.privacy.deleteCoach(coach.id, { at: '2027-01-08T16:00:00Z', actor: 'coach' });
      expect(removed).toMatchObject({ group_members: 1, shared_reflections: 1, coach_client_companies: 1 });
      const group = t.repos.groups.all()[0];
      expect(t.repos.groups.memberCount(group.id)).toBe(0); // the channel stays registered, without them
      expect(t.repos.sharedReflections.between(group.id, '2027-01-01T00:00:00Z', '2027-01-09T00:00:00Z')).toEqual([]);
    } finally {
      t.close();
    }
  });
});
