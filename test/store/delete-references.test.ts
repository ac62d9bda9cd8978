import type { CoachRef } from '../../src/core/model';
import { conversationReferenceRepository } from '../../src/store';
import { makeTrellis } from '../helpers/trellis';

/** Deleting a coach removes their Teams conversation reference too: it holds their name, keyed by user id. */
describe('deleting a coach', () => {
  let t: ReturnType<typeof makeTrellis>;
  beforeEach(() => {
    t = makeTrellis('2026-11-24T09:00:00Z');
  });
  afterEach(() => t.close());

  it('removes their personal conversation reference and leaves everyone else’s', () => {
    const refs = conversationReferenceRepository(t.db, () => t.clock.now());
    const ana: CoachRef = { platform: 'teams', tenant: 'tenant-1', user: '29:ana' };
    const ben: CoachRef = { platform: 'teams', tenant: 'tenant-1', user: '29:ben' };
    t.trellis.handleText(ana, '/selfcheck 4 3 5 4 4 2');
    t.trellis.handleText(ben, '/selfcheck 4 3 5 4 4 2');
    for (const who of [ana, ben]) {
      refs.save(
        { platform: 'teams', tenant: who.tenant, scope: 'personal', key: who.user },
        { user: { name: who.user } },
      );
    }
    refs.save({ platform: 'teams', tenant: 'tenant-1', scope: 'channel', key: '19:group' }, { channel: true });

    t.trellis.confirmDelete(ana);

    expect(refs.find({ platform: 'teams', tenant: 'tenant-1', scope: 'personal', key: '29:ana' })).toBeUndefined();
    expect(refs.find({ platform: 'teams', tenant: 'tenant-1', scope: 'personal', key: '29:ben' })).toBeDefined();
    expect(refs.find({ platform: 'teams', tenant: 'tenant-1', scope: 'channel', key: '19:group' })).toBeDefined();
  });
});
