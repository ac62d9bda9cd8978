import type { App } from '@slack/bolt';
import { registerActions } from './actions';
import { registerEvents } from './events';
import { type ActionArgs, type EventArgs, type ListenerDeps, listenerKit, type ViewArgs } from './listener-kit';
import { registerMentorListeners } from './mentor-modal';
import { actionOf } from './render';
import { registerSessionListeners } from './session-modal';
import { selfcheckCommand } from './slash-command';
import { registerViews } from './view-submissions';
import { registerWelcomeActions } from './welcome';

export { coachRef, type ListenerDeps } from './listener-kit';

/** Registers every Trellis listener. Each acknowledges first; slow work (Web API calls) happens after the ack. */
export function registerListeners(app: App, deps: ListenerDeps): void {
  // Bolt runs every listener's filters on every request, so modals, buttons and events get one listener each,
  // dispatching by id or type from these maps (with Bolt's conversation store off, this took about a fifth off each request's CPU).
  const views = new Map<string, (args: ViewArgs) => Promise<void>>();
  const actions = new Map<string, (args: ActionArgs) => Promise<void>>();
  const events = new Map<string, (args: EventArgs) => Promise<void>>();
  const kit = listenerKit(deps);
  const onSelfcheck = selfcheckCommand(deps, kit);
  registerViews(views, deps, kit);
  registerActions(actions, deps, kit);
  registerEvents(events, deps, kit);
  registerSessionListeners(views, actions, deps, kit);
  registerMentorListeners(views, actions, deps, kit);
  registerWelcomeActions(actions, deps, kit);

  // ---- routing ----
  // One Bolt middleware routes every request, instead of a listener per kind (app.command, app.view, app.action,
  // app.event). Bolt runs every listener's filter chain on every request, copying all its arguments at each step;
  // four listeners cost about 13 µs of CPU per request more than one (bench/slack-ack), on the busiest path.
  // Unknown commands, views, actions and events are left unacknowledged: the receiver answers them with a 400.
  app.use(async (args) => {
    if ('command' in args) {
      if (args.command.command === '/selfcheck') await onSelfcheck(args);
    } else if ('view' in args) {
      if (args.body.type !== 'view_submission') return;
      const handler = views.get(args.view.callback_id);
      if (handler) await handler(args);
      else await args.ack();
    } else if ('action' in args) {
      if (args.body.type !== 'block_actions') return;
      const handler = actions.get(actionOf((args.action as { action_id: string }).action_id));
      if (handler) await handler(args as ActionArgs);
      else await args.ack();
    } else if ('event' in args) {
      await events.get(args.event.type)?.(args);
    }
  });
}
