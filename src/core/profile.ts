import type { GroupCommands } from './group-commands';
import { type Message, message } from './message';
import type { Coach, CoachRef, Settings } from './model';
import type { Clock, Logger, Repositories } from './ports';
import { applySettingsCommand, SETTINGS_USAGE, settingsFields } from './settings';
import type { RequestContext } from './trellis';

export interface ProfileDeps {
  repos: Repositories;
  clock: Clock;
  log: Logger;
}

/** What the coach's settings need from the rest of the core (Trellis supplies it). */
export interface ProfileCore {
  coach(ref: CoachRef, ctx?: RequestContext): Coach;
  today(coach: Coach): string;
  /** `settings companies …` is kept with the groups, whose sharing warns about those names (group-commands.ts). */
  readonly groups: Pick<GroupCommands, 'companies'>;
}

/** A coach's settings: showing them, `settings …` typed, and a platform's settings form (see settings.ts). */
export class Profile {
  constructor(
    private readonly deps: ProfileDeps,
    private readonly core: ProfileCore,
  ) {}

  settings(ref: CoachRef, ctx: RequestContext = {}): Message {
    const coach = this.core.coach(ref, ctx);
    return message(['Your settings'], {
      fields: settingsFields(coach.settings, this.core.today(coach), this.deps.clock.now()),
      footer: SETTINGS_USAGE,
    });
  }

  changeSettings(ref: CoachRef, args: string, ctx: RequestContext = {}): Message {
    const coach = this.core.coach(ref, ctx);
    const companies = /^(?:companies|company|clients)\b\s*([\s\S]*)$/i.exec(args.trim());
    if (companies) return this.core.groups.companies(coach, companies[1]);
    const change = applySettingsCommand(args, coach.settings, this.core.today(coach));
    if (change.kind === 'show') return this.settings(ref, ctx);
    this.deps.repos.coaches.updateSettings(
      coach.id,
      change.settings,
      change.timeZoneSetByCoach || coach.timeZoneSetByCoach,
    );
    ctx.turn?.forget();
    this.deps.log.info('settings changed', { coach: coach.id });
    return message(change.summary);
  }

  updateSettings(ref: CoachRef, settings: Settings, ctx: RequestContext = {}): Coach {
    const coach = this.core.coach(ref, ctx);
    ctx.turn?.forget();
    return this.deps.repos.coaches.updateSettings(
      coach.id,
      settings,
      settings.timeZone !== coach.settings.timeZone || coach.timeZoneSetByCoach,
    );
  }
}
