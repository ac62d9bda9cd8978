import { createRepositories, openDatabase } from '../../src/store';
import { FakeSlackApi } from '../helpers/fake-slack-api';
import { testSettings } from '../helpers/settings';
import { tempDir } from '../helpers/temp-db';
import { startSender } from './crash-helpers';

test('the sender process checkpoints the WAL in the background worker, as the server does', async () => {
  const dir = tempDir();
  const file = dir.file('trellis.db');
  const fake = await new FakeSlackApi().start();
  try {
    const db = openDatabase(file);
    const registeredAt = new Date(Date.now() - 10 * 60_000);
    const repos = createRepositories(db, () => registeredAt);
    const promptTime = new Date(Date.now() - 5 * 60_000).toISOString().slice(11, 16);
    repos.transaction(() => {
      for (let i = 0; i < 60; i++) {
        repos.coaches.upsert(
          { platform: 'slack', tenant: 'T0TEAM', user: `U${String(i).padStart(6, '0')}` },
          testSettings({ promptTime, promptDays: [1, 2, 3, 4, 5, 6, 7] }),
        );
      }
    });
    db.close();
    // Each post answered after 100 ms, 8 at a time: a run of most of a second, over several of the worker's rounds.
    fake.respond(async (call) => {
      if (call.method === 'chat.postMessage') await new Promise((resolve) => setTimeout(resolve, 100));
      return undefined;
    });
    const sender = startSender(file, { slackUrl: fake.url }, 60_000);
    expect(await sender.done).toBe(0);
    const report = sender.report();
    expect(report.open).toBe(0);
    expect(report.checkpoints).toBeGreaterThan(0);
  } finally {
    await fake.stop();
    dir.cleanup();
  }
}, 60_000);
