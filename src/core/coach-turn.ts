import type { Coach, CoachRef } from './model';

/**
 * One request's coach, looked up once and passed down in its RequestContext (`turn`): a platform that asks about the
 * coach several times in a turn (Teams: the command's registration, whether a delete removed them, whether the
 * welcome is owed) reads the coach's row once instead of up to four times.
 *
 * It holds only what this turn itself read or wrote, so a platform makes one per attempt at a turn's work (a group
 * commit may run a work again after a rollback: a fresh one then, never one that saw rolled-back rows) and drops it
 * with the turn. Every write the core makes to the coach's row in a turn (registration and its time zone, settings,
 * the welcome's mark, a delete) replaces or forgets it. Without one (Slack, the terminal) every lookup reads.
 */
export class CoachTurn {
  private ref: CoachRef | undefined;
  private held: Coach | undefined;
  /** Held by `Trellis.coach`, whose registration (display name, time zone, email) then needs no second run. */
  private registered = false;

  private holds(ref: CoachRef): boolean {
    const r = this.ref;
    return r !== undefined && r.user === ref.user && r.tenant === ref.tenant && r.platform === ref.platform;
  }

  /** The coach as this turn last found them (`knows`) or registered them (`coach`), if it is `ref`. */
  found(ref: CoachRef): Coach | undefined {
    return this.holds(ref) ? this.held : undefined;
  }

  /** The coach as this turn's `Trellis.coach` registered them, if it is `ref`. */
  registeredCoach(ref: CoachRef): Coach | undefined {
    return this.registered && this.holds(ref) ? this.held : undefined;
  }

  hold(ref: CoachRef, coach: Coach, registered: boolean): void {
    this.ref = ref;
    this.held = coach;
    this.registered = registered;
  }

  /** The coach's row changed: the next lookup reads it. */
  forget(): void {
    this.ref = undefined;
    this.held = undefined;
    this.registered = false;
  }

  /** Set when this turn ran a delete of the coach's data (typed "delete confirm"): the platform then asks `knows`. */
  deleteRan = false;

  /** The coach's data is being deleted: forgotten, and the platform told to check whether the row went. */
  deleting(): void {
    this.forget();
    this.deleteRan = true;
  }
}
