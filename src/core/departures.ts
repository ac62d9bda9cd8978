import { deleteEverything } from './deletion';
import type { CoachRef, Platform } from './model';
import type { Clock, Logger, Repositories } from './ports';
import { retentionCutoff } from './privacy';

/**
 * Workspaces that removed Trellis (a Slack uninstall, or its bot token revoked). Their coaches hear nothing more
 * from the moment it happens; their data is kept for the uninstall retention window, so a reinstall within it
 * resumes where they were, and is then deleted as a coach's own "/selfcheck delete" deletes it.
 */

/** A tenant whose platform removed Trellis, and since when (ISO). */
export interface DepartedTenant {
  platform: Platform;
  tenant: string;
  departedAt: string;
}

/** What the retention job needs to delete a departed tenant's data once its window has passed. */
export interface DepartedTenants {
  /** Tenants that removed Trellis at or before `cutoff` (ISO) and did not install it again since. */
  departedBefore(cutoff: string): DepartedTenant[];
  /** The coaches of a tenant. */
  coachesOf(platform: Platform, tenant: string): CoachRef[];
  /** Drops what is left of a departed tenant: its installation, its groups, the ids of Trellis's posts there. */
  forget(platform: Platform, tenant: string): void;
}

export interface DepartureDeps {
  repos: Repositories;
  clock: Clock;
  log: Logger;
}

/**
 * Deletes the data of every tenant that removed Trellis more than `days` ago: each coach as by their own delete
 * (every row; the audit log keeps a number and the counts). Trellis's messages in that workspace are not queued for
 * removal: without its token nothing there can be removed, so only their ids go. Returns how many coaches went.
 */
export function purgeDeparted(
  deps: DepartureDeps,
  departed: DepartedTenants,
  days: number,
  now: Date,
  actor = 'uninstall-retention',
): number {
  let coaches = 0;
  for (const gone of departed.departedBefore(retentionCutoff(now, days))) {
    for (const ref of departed.coachesOf(gone.platform, gone.tenant)) {
      deleteEverything({ repos: deps.repos, clock: deps.clock, log: deps.log }, ref, actor);
      coaches++;
    }
    departed.forget(gone.platform, gone.tenant);
    deps.log.info('uninstalled workspace deleted after its retention window', {
      platform: gone.platform,
      tenant: gone.tenant,
      departedAt: gone.departedAt,
    });
  }
  return coaches;
}
