import { WELCOME_ACTIONS } from '../../core/welcome';
import { type ActionArgs, coachRef, type ListenerDeps, type ListenerKit } from './listener-kit';
import { buttonAction, interaction } from './payloads';
import { writeAfterAck } from './write-first';

/**
 * The welcome's buttons in Slack (core welcome.ts): the credential held, the one worked toward, each kind of
 * practice. Their action ids carry the answer ("welcome_level:PCC", see render.ts); the router reads the action back.
 */
export function registerWelcomeActions(
  actions: Map<string, (args: ActionArgs) => Promise<void>>,
  deps: ListenerDeps,
  kit: ListenerKit,
): void {
  const { trellis, profiles } = deps;
  for (const kind of WELCOME_ACTIONS) {
    actions.set(kind, async (args) => {
      await args.ack();
      const who = interaction.parse(args.body);
      const action = buttonAction.parse(args.action);
      const ref = coachRef(args.context, { team: who.team?.id ?? who.user.team_id, user: who.user.id });
      const hint = profiles.cached(ref.tenant, ref.user) ?? {};
      const reply = await writeAfterAck(deps, { path: kind, ref }, () =>
        trellis.welcome.choose(ref, kind, action.value, hint),
      );
      const respond = who.response_url ? args.respond : undefined;
      await kit.tell(ref, reply, `${kind}:${action.value}:${who.trigger_id}`, respond);
    });
  }
}
