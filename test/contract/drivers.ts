import { tempDbFile } from '../helpers/temp-db';
import { ConsoleDriver } from './console-driver';
import type { PlatformDriver } from './driver';
import { SlackDriver } from './slack-driver';
import { TeamsDriver } from './teams-driver';

/** Every platform's driver: a contract suite runs each behaviour against all of them. Add a platform here. */
export const DRIVERS: (() => PlatformDriver)[] = [
  () => new ConsoleDriver(),
  () => new SlackDriver(),
  () => new TeamsDriver(),
];

/** One driver started on a fresh database for the suite around it (call in a describe). */
export function startedDriver(make: () => PlatformDriver): () => PlatformDriver {
  let driver: PlatformDriver | undefined;
  let db: { file: string; cleanup(): void } | undefined;
  beforeAll(async () => {
    db = tempDbFile();
    driver = make();
    await driver.start(db.file);
  });
  afterAll(async () => {
    await driver?.stop();
    db?.cleanup();
  });
  return () => {
    if (!driver) throw new Error('driver not started');
    return driver;
  };
}
