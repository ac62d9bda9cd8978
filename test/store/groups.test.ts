import { createRepositories, openDatabase, schemaVersion } from '../../src/store';
import { tempDbFile } from '../helpers/temp-db';

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
