import type { WebClient } from '@slack/web-api';
import type { Clock, Logger } from '../../core/ports';
import { userInfo } from './payloads';

export interface ProfileHint {
  timeZone?: string;
  displayName?: string;
}

const TTL_MS = 6 * 60 * 60 * 1000;
/** After a failed lookup, wait this long before asking Slack again, so a flaky users.info never blocks every request. */
const FAILURE_TTL_MS = 60 * 1000;

/**
 * What Slack's profile says about a coach (time zone, name), from users.info, cached per user so a busy coach
 * does not cost a Web API call per request.
 */
export class SlackProfiles {
  private readonly cache = new Map<string, { hint: ProfileHint; until: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  private key(tenant: string, user: string): string {
    return `${tenant}:${user}`;
  }

  cached(tenant: string, user: string): ProfileHint | undefined {
    const entry = this.cache.get(this.key(tenant, user));
    if (!entry || entry.until < this.clock.now().getTime()) return undefined;
    return entry.hint;
  }

  /**
   * The profile if Slack answers within `budgetMs` (or it is cached), else no hint now and the lookup still running
   * in `pending`: a request Slack must have acknowledged within 3 s never waits on users.info longer than that.
   */
  async lookupWithin(
    client: WebClient,
    tenant: string,
    user: string,
    budgetMs: number,
  ): Promise<{ hint: ProfileHint; pending?: Promise<ProfileHint> }> {
    const hit = this.cached(tenant, user);
    if (hit) return { hint: hit };
    const lookup = this.lookup(client, tenant, user);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), budgetMs);
    });
    const first = await Promise.race([lookup, late]);
    clearTimeout(timer);
    return first ? { hint: first } : { hint: {}, pending: lookup };
  }

  async lookup(client: WebClient, tenant: string, user: string): Promise<ProfileHint> {
    const hit = this.cached(tenant, user);
    if (hit) return hit;
    const now = this.clock.now().getTime();
    try {
      const parsed = userInfo.parse(await client.users.info({ user }));
      const hint: ProfileHint = {
        timeZone: parsed.user.tz ?? undefined,
        displayName: parsed.user.profile?.display_name || parsed.user.real_name || undefined,
      };
      this.cache.set(this.key(tenant, user), { hint, until: now + TTL_MS });
      return hint;
    } catch (error) {
      this.log.warn('slack users.info failed; using the stored time zone', { user, error });
      this.cache.set(this.key(tenant, user), { hint: {}, until: now + FAILURE_TTL_MS });
      return {};
    }
  }
}
