import { PassThrough } from 'node:stream';
import { createLogger } from '../../src/log';
import { ConsoleMessenger } from '../../src/platforms/console/messenger';
import { Scheduler } from '../../src/schedule';
import { ProducerRegistry, registerPromptProducers } from '../../src/schedule/producers';
import { deliveryStore } from '../../src/store/deliveries';
import { scheduleStore } from '../../src/store/schedule';
import { makeTrellis } from '../helpers/trellis';

test('the terminal chat shows the coach at the terminal their prompt on time, and no one else’s', async () => {
  const t = makeTrellis('2026-11-23T12:00:00Z', 'Europe/London');
  try {
    const output = new PassThrough();
    let printed = '';
    output.on('data', (chunk) => {
      printed += chunk;
    });
    const scheduler = new Scheduler({
      schedule: scheduleStore(t.db),
      deliveries: deliveryStore(t.db),
      coaches: t.repos.coaches,
      producers: registerPromptProducers(new ProducerRegistry(), {
        trellis: t.trellis,
        promptIssues: t.repos.promptIssues,
      }),
      messengers: [new ConsoleMessenger(output, 'me', true)],
      clock: t.clock,
      log: createLogger('debug', {}, (line) => t.logLines.push(line)),
      catchUpMinutes: 180,
      sender: { maxWaitMs: 0 },
    });
    const me = t.trellis.coach({ platform: 'console', tenant: 'local', user: 'me' });
    const other = t.trellis.coach({ platform: 'console', tenant: 'local', user: 'demo-00001' });
    const store = scheduleStore(t.db);

    t.clock.set('2026-11-24T08:59:00Z');
    await scheduler.runDue(t.clock.now());
    expect(printed).toBe('');
    t.clock.set('2026-11-24T09:00:00Z');
    await scheduler.runDue(t.clock.now());
    await scheduler.runDue(t.clock.now());
    expect(printed.match(/Today's reflection/g)).toHaveLength(1);
    expect(printed).toContain('[Reflect] [Skip] [Snooze]');
    expect(t.repos.promptIssues.forDate(me.id, '2026-11-24')).toBeDefined();
    // The other console coach was not sent to, not marked unreachable, and waits for tomorrow.
    expect(t.repos.promptIssues.forDate(other.id, '2026-11-24')).toBeUndefined();
    expect(store.isUnreachable(other.id)).toBe(false);
    expect(store.dueCoaches('console', '2026-11-24T23:59:00.000Z', 10)).toHaveLength(0);
    await scheduler.stop();
  } finally {
    t.close();
  }
});
