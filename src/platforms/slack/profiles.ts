import type { WebClient } from '@slack/web-api';
import type { Clock, Logger } from '../../core/ports';
import { RecentMap } from '../../recent-map';
import { userInfo } from './payloads';

export interface ProfileHint {
  timeZone?: string;
  displayName?: string;
  /** With the users:read.email scope: what a session-ended hook may name the coach by. */
  email?: string;
}

const TTL_MS = 6 * 60 * 60 * 1000;
/** After a failed lookup, wait this long before asking Slack again, so a flaky users.info never blocks every request. */
const FAILURE_TTL_MS = 60 * 1000;
/**
 * Profiles kept at most, the most recently used: without a bound every coach seen in six hours stayed in memory
 * (bench:soak, a new coach per prompt reply: some 250 bytes each, 9 MB of live heap in 10 minutes). A profile let
 * go costs one users.info the next time; until it answers, the coach's stored time zone is used.
 */
export const PROFILES_KEPT = 10_000;

/**
 * What Slack's profile says about a coach (time zone, name), from users.info, cached per user so a busy coach
 * does not cost a Web API call per request.
 */
export class SlackProfiles {
  /** By tenant and user, the most recently used kept. */
  private readonly cache: RecentMap<string, { hint: ProfileHint; until: number }>;

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
    options: { kept?: number } = {},
  ) {
    this.cache = new RecentMap(options.kept ?? PROFILES_KEPT);
  }

  private key(tenant: string, user: string): string {
    return `${tenant}:${user}`;
  }

  cached(tenant: string, user: string): ProfileHint | undefined {
    const key = this.key(tenant, user);
    const entry = this.cache.get(key);
    if (!entry) return undefined;
    if (entry.until < this.clock.now().getTime()) {
      this.cache.delete(key);
      return undefined;
    }
    return entry.hint;
  }

  private remember(tenant: string, user: string, hint: ProfileHint, until: number): void {
    this.cache.set(this.key(tenant, user), { hint, until });
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
        email: parsed.user.profile?.email || undefined,
      };
      this.remember(tenant, user, hint, now + TTL_MS);
      return hint;
    } catch (error) {
      this.log.warn('slack users.info failed; using the stored time zone', { user, error });
      this.remember(tenant, user, {}, now + FAILURE_TTL_MS);
      return {};
    }
  }
}
