import { isTrellisError } from '../../core/errors';
import { saveSettingsForm } from '../../core/profile-form';
import { validateSelfCheckForm } from '../../core/selfcheck';
import type { Trellis } from '../../core/trellis';
import { coachRef, FAILED, type ListenerDeps, type ListenerKit, type ViewArgs } from './listener-kit';
import { interaction, issueIdValue, submittedView } from './payloads';
import { readSelfCheckForm, settingsFormInput, toViewErrors, VIEWS, type ViewState } from './views';
import { logRefusedWrite, profileBeforeAck } from './write-first';

/** The modals' submissions: the self-check, settings and Reflect forms. */
export function registerViews(
  views: Map<string, (args: ViewArgs) => Promise<void>>,
  deps: ListenerDeps,
  kit: ListenerKit,
): void {
  const { trellis, profiles, commits, log } = deps;
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
    let recorded: ReturnType<Trellis['recordSelfCheck']>;
    try {
      // The view id is the request key: a resubmission of the same modal records nothing twice.
      recorded = await commits.run(() => trellis.recordSelfCheck(ref, result.value, { ...hint, requestKey }));
    } catch (error) {
      // The modal stays open and says so; a crash or a bug also goes to app.error.
      logRefusedWrite(log, error, { path: 'selfcheck_form', ref, requestKey });
      await ack({ response_action: 'errors', errors: { note: isTrellisError(error) ? error.message : FAILED } });
      if (isTrellisError(error)) return;
      throw error;
    }
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
    let saved: ReturnType<typeof saveSettingsForm>;
    try {
      // Checked and stored before the ack, which closes the modal; a problem shows beside its field.
      saved = await commits.run(() => saveSettingsForm(trellis, ref, input, hint));
    } catch (error) {
      logRefusedWrite(log, error, { path: 'settings_form', ref, requestKey });
      await ack({ response_action: 'errors', errors: { time: isTrellisError(error) ? error.message : FAILED } });
      if (isTrellisError(error)) return;
      throw error;
    }
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
    let saved: ReturnType<Trellis['saveReflection']>;
    try {
      saved = await commits.run(() =>
        trellis.saveReflection(ref, text, { ...hint, requestKey: `slack:view:${parsedView.data.id}` }, issueId.data),
      );
    } catch (error) {
      logRefusedWrite(log, error, { path: 'reflect_form', ref, requestKey: `slack:view:${parsedView.data.id}` });
      await ack({ response_action: 'errors', errors: { reflection: isTrellisError(error) ? error.message : FAILED } });
      if (isTrellisError(error)) return;
      throw error;
    }
    await ack();
    if (saved.created) await sendDirect(ref, saved.reply, `reflection:${saved.reflection.id}`, hint);
  });
}
