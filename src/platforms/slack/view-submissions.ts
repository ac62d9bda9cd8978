import { saveSettingsForm } from '../../core/profile-form';
import { validateSelfCheckForm } from '../../core/selfcheck';
import { coachRef, type ListenerDeps, type ListenerKit, type ViewArgs } from './listener-kit';
import { interaction, issueIdValue, submittedView } from './payloads';
import { readSelfCheckForm, settingsFormInput, toViewErrors, VIEWS, type ViewState } from './views';
import { profileBeforeAck, storeBeforeModalAck } from './write-first';

/** The modals' submissions: the self-check, settings and Reflect forms. */
export function registerViews(
  views: Map<string, (args: ViewArgs) => Promise<void>>,
  deps: ListenerDeps,
  kit: ListenerKit,
): void {
  const { trellis, profiles, log } = deps;
  const { sendDirect } = kit;
  // ---- the self-check modal ----
  views.set(VIEWS.selfcheck, async ({ ack, body, view, client, context }) => {
    const parsedView = submittedView.safeParse(view);
    const who = interaction.safeParse(body);
    if (!parsedView.success || !who.success) {
      await ack({
        response_action: 'errors',
        errors: { context: 'The form arrived incomplete; open /selfcheck again.' },
      });
      return;
    }
    const result = validateSelfCheckForm(readSelfCheckForm(parsedView.data.state.values as ViewState));
    if (!result.ok) {
      await ack({ response_action: 'errors', errors: toViewErrors(result.errors) });
      return;
    }
    const ref = coachRef(context, { team: who.data.team?.id ?? who.data.user.team_id, user: who.data.user.id });
    const viewId = parsedView.data.id;
    const requestKey = `slack:view:${viewId}`;
    // Stored before the ack: the empty ack closes the modal, and Slack sends a submission once.
    const { hint, fillLater } = await profileBeforeAck(deps, client, ref);
    // The view id is the request key: a resubmission of the same modal records nothing twice.
    const recorded = await storeBeforeModalAck(
      deps,
      ack,
      { path: 'selfcheck_form', ref, requestKey, field: 'note' },
      () => trellis.recordSelfCheck(ref, result.value, { ...hint, requestKey }),
    );
    if (!recorded) return;
    await ack();
    const { created, reply, check } = recorded;
    if (!created) log.info('slack self-check resubmitted; already recorded', { checkId: check.id });
    else await sendDirect(ref, reply, `selfcheck:${check.id}`, hint);
    await fillLater();
  });

  // ---- the settings modal ----
  views.set(VIEWS.settings, async ({ ack, body, view, context }) => {
    const parsedView = submittedView.safeParse(view);
    const who = interaction.safeParse(body);
    if (!parsedView.success || !who.success) {
      await ack({ response_action: 'errors', errors: { time: 'The form arrived incomplete; open settings again.' } });
      return;
    }
    const ref = coachRef(context, { team: who.data.team?.id ?? who.data.user.team_id, user: who.data.user.id });
    const hint = profiles.cached(ref.tenant, ref.user) ?? {};
    const input = settingsFormInput(parsedView.data.state.values as ViewState);
    const requestKey = `slack:view:${parsedView.data.id}`;
    // Checked and stored before the ack, which closes the modal; a problem shows beside its field.
    const saved = await storeBeforeModalAck(deps, ack, { path: 'settings_form', ref, requestKey, field: 'time' }, () =>
      saveSettingsForm(trellis, ref, input, hint),
    );
    if (!saved) return;
    if (!saved.ok) {
      await ack({ response_action: 'errors', errors: saved.errors });
      return;
    }
    await ack();
    log.info('settings changed', { tenant: ref.tenant, user: ref.user });
    await sendDirect(ref, saved.reply, `settings:${parsedView.data.id}`);
  });

  // ---- the Reflect modal ----
  views.set(VIEWS.reflect, async ({ ack, body, view, context }) => {
    const parsedView = submittedView.safeParse(view);
    const who = interaction.safeParse(body);
    const issueId = issueIdValue.safeParse(parsedView.data?.private_metadata ?? '');
    if (!parsedView.success || !who.success || !issueId.success) {
      await ack({
        response_action: 'errors',
        errors: { reflection: 'The form arrived incomplete; press Reflect again.' },
      });
      return;
    }
    const ref = coachRef(context, { team: who.data.team?.id ?? who.data.user.team_id, user: who.data.user.id });
    const text = parsedView.data.state.values.reflection?.text?.value ?? '';
    const hint = profiles.cached(ref.tenant, ref.user) ?? {};
    // Checking and saving is one fast local core call, so it runs before the ack: a problem shows beside the field.
    const requestKey = `slack:view:${parsedView.data.id}`;
    const saved = await storeBeforeModalAck(
      deps,
      ack,
      { path: 'reflect_form', ref, requestKey, field: 'reflection' },
      () => trellis.saveReflection(ref, text, { ...hint, requestKey }, issueId.data),
    );
    if (!saved) return;
    await ack();
    if (saved.created) await sendDirect(ref, saved.reply, `reflection:${saved.reflection.id}`, hint);
  });
}
