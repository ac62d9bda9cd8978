import { describe, expect, test } from '@jest/globals';
import type { Context } from '@slack/bolt';
import { coachRef } from '../../../src/platforms/slack/listeners';

describe('coachRef', () => {
  test('a workspace install: the team is the tenant', () => {
    const context = { teamId: 'T1', userId: 'U1', isEnterpriseInstall: false } as Context;
    expect(coachRef(context)).toEqual({ platform: 'slack', tenant: 'T1', user: 'U1' });
  });

  test('an org-wide Enterprise Grid install: the organisation is the tenant, whichever workspace the coach is in', () => {
    const inA = { teamId: 'T1', enterpriseId: 'E1', userId: 'W1', isEnterpriseInstall: true } as Context;
    const inB = { teamId: 'T2', enterpriseId: 'E1', userId: 'W1', isEnterpriseInstall: true } as Context;
    expect(coachRef(inA)).toEqual({ platform: 'slack', tenant: 'E1', user: 'W1' });
    expect(coachRef(inB)).toEqual(coachRef(inA));
  });

  test('falls back to the payload when Bolt’s context lacks the ids, and refuses a request with neither', () => {
    expect(coachRef({ isEnterpriseInstall: false } as Context, { team: 'T9', user: 'U9' })).toEqual({
      platform: 'slack',
      tenant: 'T9',
      user: 'U9',
    });
    expect(() => coachRef({ isEnterpriseInstall: false } as Context)).toThrow(/without team or user/);
  });
});
