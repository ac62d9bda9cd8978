import { z } from 'zod';
import type { AppContext } from '../app';
import { type Coach, PLATFORMS, type Platform } from '../core/model';

/**
 * How an admin names a coach, in every command that takes one (`--coach`, with `--platform` beside it):
 * - a coach number (as `npm run cli -- stats` counts them), e.g. `12`;
 * - `platform:tenant:user`, e.g. `slack:T0123:U0456` (the user id may itself contain colons);
 * - a bare platform user id, e.g. `U0456`, with `--platform` when the same id is a user on several platforms.
 * A number names the coach with that number; when there is none it is tried as a user id (console users may be
 * named by digits). `--platform` narrows every form: a coach found on another platform does not count.
 */
export type CoachSelector =
  | { form: 'number'; id: number; text: string }
  | { form: 'ref'; platform: Platform; tenant: string; user: string; text: string }
  | { form: 'user'; user: string; text: string };

const REF = new RegExp(`^(${PLATFORMS.join('|')}):([^:]+):(.+)$`);

export const coachOption = z
  .string({ error: 'name the coach: --coach <number | platform:tenant:user | user id>' })
  .refine((text) => text.trim() !== '', 'name the coach: a number, platform:tenant:user, or a user id')
  .refine((text) => text.length <= 300, 'is too long for a coach number, platform:tenant:user or user id')
  // Taken as typed, spaces included: a terminal-chat user may be called "Ana Smith" (TRELLIS_CONSOLE_USER).
  .refine((text) => !/\p{Cc}/u.test(text), 'has control characters; no coach id does')
  .transform((text): CoachSelector => {
    if (/^\d+$/.test(text)) return { form: 'number', id: Number(text), text };
    const ref = REF.exec(text);
    if (ref) return { form: 'ref', platform: ref[1] as Platform, tenant: ref[2], user: ref[3], text };
    return { form: 'user', user: text, text };
  });

export const platformOption = z.enum(PLATFORMS, { error: `must be one of ${PLATFORMS.join(', ')}` }).optional();

/** The option declarations for node:util's parseArgs, and their zod checks, for a command that takes a coach. */
export const coachArgs = {
  options: { coach: { type: 'string' }, platform: { type: 'string' } },
  schema: { coach: coachOption, platform: platformOption },
} as const;

/** The coach the selector names, or a message that says why there is not exactly one. */
export type CoachLookup = { coach: Coach } | { problem: string };

export function findCoach(app: AppContext, selector: CoachSelector, platform?: Platform): CoachLookup {
  const onPlatform = (c: Coach | undefined) => (c && (!platform || c.platform === platform) ? c : undefined);
  const where = platform ? ` on ${platform}` : '';
  switch (selector.form) {
    case 'ref': {
      const coach = onPlatform(app.repos.coaches.find(selector));
      return coach ? { coach } : { problem: `no coach ${selector.text}${where}` };
    }
    case 'number': {
      const coach = onPlatform(app.repos.coaches.byId(selector.id));
      if (coach) return { coach };
      return byUser(app, selector.text, platform);
    }
    case 'user':
      return byUser(app, selector.user, platform);
  }
}

function byUser(app: AppContext, user: string, platform?: Platform): CoachLookup {
  const matches = app.repos.weeklyStats.coachesByUser(user).filter((c) => !platform || c.platform === platform);
  if (matches.length === 1) return { coach: matches[0] };
  if (matches.length === 0)
    return { problem: `no coach with id or user id "${user}"${platform ? ` on ${platform}` : ''}` };
  return {
    problem: `"${user}" names ${matches.length} coaches: ${matches.map(coachName).join(', ')}. Give one of these as --coach${platform ? '' : ', or add --platform'}.`,
  };
}

/** A coach as `platform:tenant:user`, the form --coach takes back. */
export function coachName(coach: Pick<Coach, 'platform' | 'tenant' | 'user'>): string {
  return `${coach.platform}:${coach.tenant}:${coach.user}`;
}
