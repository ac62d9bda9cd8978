import { createScheduler } from '../../src/schedule';
import type { RecordedCall } from '../helpers/fake-slack-api';
import { SlackHarness, selected, viewErrors } from '../helpers/slack-harness';
import type { DeliveredFile, PlatformDriver, PressableAction, ProfileFields } from './driver';

const BEHAVIOUR_KEYS = ['context', 'respect', 'talents', 'empathy', 'feelings', 'openness'];

/** A modal as the coach sees it, in words: its title, each field's label, and its context lines. */
function describeView(view: Record<string, unknown>): string {
  const title = (view.title as { text?: string } | undefined)?.text ?? 'Form';
  type ViewBlock = { type: string; label?: { text: string }; elements?: { text?: string }[] };
  const words = ((view.blocks as ViewBlock[]) ?? []).flatMap((b) => {
    if (b.type === 'input') return [b.label?.text ?? ''];
    if (b.type === 'context') return (b.elements ?? []).map((e) => e.text ?? '');
    return [];
  });
  return [`${title} form`, ...words].join('\n');
}

/**
 * What a DM shows: its text, or, where that fallback was cut at Slack's 3,000 characters (a long journal page), the
 * words of its blocks, which carry it all.
 */
function shownText(body: Record<string, unknown>): string {
  const text = String(body.text);
  if (text.length < 3000 || !Array.isArray(body.blocks)) return text;
  type Block = { text?: { text?: string }; elements?: { text?: string }[]; fields?: { text?: string }[] };
  return (body.blocks as Block[])
    .flatMap((b) => [b.text?.text, ...(b.elements ?? []).map((e) => e.text), ...(b.fields ?? []).map((f) => f.text)])
    .filter((t): t is string => typeof t === 'string')
    .join('\n');
}

/** The session modal's fields as Slack's view state: each given value, else what the form shows filled in. */
export function sessionFormValues(
  view: Record<string, unknown>,
  fields: Record<string, string>,
): Record<string, Record<string, unknown>> {
  type Block = { type: string; block_id?: string; element?: Record<string, unknown> };
  const values: Record<string, Record<string, unknown>> = {};
  for (const block of (view.blocks as Block[]).filter((b) => b.type === 'input')) {
    const id = block.block_id as string;
    const element = block.element ?? {};
    const given = fields[id];
    if (element.type === 'static_select') {
      const initial = (element.initial_option as { value: string } | undefined)?.value;
      const value = given ?? initial;
      values[id] = { value: value ? selected(value) : { type: 'static_select', selected_option: null } };
    } else {
      values[id] = { value: { type: 'plain_text_input', value: given ?? (element.initial_value as string) ?? null } };
    }
  }
  return values;
}

/**
 * The contract driver for Slack: the real Bolt app on the real HTTP server, spoken to with signed requests as Slack
 * would send them, against a fake Web API. What the coach sees is read back from what the app sent to Slack:
 * the ack body, response_url posts, DMs (chat.postMessage) and opened modals.
 */
export class SlackDriver implements PlatformDriver {
  readonly name = 'slack' as const;
  private harness?: SlackHarness;

  private get h(): SlackHarness {
    if (!this.harness) throw new Error('SlackDriver not started');
    return this.harness;
  }

  async start(dbFile: string): Promise<void> {
    this.harness = await new SlackHarness({ dbFile, start: new Date().toISOString() }).start();
  }

  async stop(): Promise<void> {
    await this.harness?.stop();
    this.harness = undefined;
  }

  private user(user: string): string {
    return `U${user.replace(/[^A-Za-z0-9]/g, '').toUpperCase()}`;
  }

  /** Runs `act`, waits for all work after the acks, and returns what reached the coach, in order. */
  private async seen(user: string, act: () => Promise<{ ackText?: string }>): Promise<string[]> {
    const h = this.h;
    const from = h.fake.calls.length;
    const { ackText } = await act();
    await h.idle();
    const channel = `D${user.replace(/^U/, '')}`;
    const out: string[] = ackText ? [ackText] : [];
    for (const call of h.fake.calls.slice(from) as RecordedCall[]) {
      if (call.method === 'chat.postMessage' && call.body.channel === channel) out.push(shownText(call.body));
      else if (call.method.startsWith('response/')) out.push(String(call.body.text));
      else if (call.method === 'views.open') out.push(describeView(call.body.view as Record<string, unknown>));
    }
    return out;
  }

  send(user: string, text: string): Promise<string[]> {
    const u = this.user(user);
    const command = /^\/selfcheck\b\s*([\s\S]*)$/i.exec(text.trim());
    if (command) {
      return this.seen(u, async () => {
        const { response } = await this.h.command(u, command[1]);
        return { ackText: response.json ? String(response.json.text ?? '') : undefined };
      });
    }
    return this.reply(user, text);
  }

  async submitSelfCheck(user: string, ratings: Partial<Record<string, string>>, note?: string): Promise<string[]> {
    const u = this.user(user);
    const h = this.h;
    const opened = h.calls('views.open').length;
    await h.command(u, '');
    await h.idle();
    if (h.calls('views.open').length === opened) throw new Error('the self-check modal did not open');
    const view = h.lastOpenedView();
    const values: Record<string, Record<string, unknown>> = {};
    for (const key of BEHAVIOUR_KEYS) {
      const value = ratings[key];
      values[key] = {
        rating: value === undefined ? { type: 'static_select', selected_option: null } : selected(value),
      };
    }
    values.note = { note: { type: 'plain_text_input', value: note ?? null } };
    return this.seen(u, async () => {
      const response = await h.submitView(u, view, values);
      const errors = Object.values(viewErrors(response));
      return { ackText: errors.length ? errors.join('\n') : undefined };
    });
  }

  /** `/selfcheck session` opens the modal; its fields are filled in as Slack's view state and submitted. */
  async submitSession(user: string, fields: Record<string, string>): Promise<string[]> {
    const u = this.user(user);
    const h = this.h;
    const opened = h.calls('views.open').length;
    await h.command(u, 'session');
    await h.idle();
    if (h.calls('views.open').length === opened) throw new Error('the session modal did not open');
    const view = h.lastOpenedView();
    const values = sessionFormValues(view, fields);
    return this.seen(u, async () => {
      const response = await h.submitView(u, view, values);
      const errors = Object.values(viewErrors(response));
      return { ackText: errors.length ? errors.join('\n') : undefined };
    });
  }

  /** `/selfcheck settings` opens the modal; every field is sent as shown, the profile's as given, and submitted. */
  async saveProfile(user: string, f: ProfileFields): Promise<string[]> {
    const u = this.user(user);
    const h = this.h;
    const opened = h.calls('views.open').length;
    await h.command(u, 'settings');
    await h.idle();
    if (h.calls('views.open').length === opened) throw new Error('the settings modal did not open');
    const view = h.lastOpenedView();
    type Option = { value: string };
    type Element = {
      initial_time?: string;
      initial_option?: Option;
      initial_options?: Option[];
      initial_date?: string;
    };
    const blocks = view.blocks as { block_id?: string; element?: Element }[];
    const el = (id: string) => blocks.find((b) => b.block_id === id)?.element ?? {};
    const select = (value: string | undefined) =>
      value ? selected(value) : { type: 'static_select', selected_option: null };
    const checks = (values: string[]) => ({ type: 'checkboxes', selected_options: values.map((value) => ({ value })) });
    const values: Record<string, Record<string, unknown>> = {
      time: { time: { type: 'timepicker', selected_time: el('time').initial_time ?? null } },
      days: { days: checks((el('days').initial_options ?? []).map((o) => o.value)) },
      level: { level: select(f.level ?? el('level').initial_option?.value) },
      toward: { toward: select(f.toward ?? el('toward').initial_option?.value) },
      practices: {
        practices: checks(f.practices ?? (el('practices').initial_options ?? []).map((o) => o.value)),
      },
      pause: { until: { type: 'datepicker', selected_date: el('pause').initial_date ?? null } },
    };
    return this.seen(u, async () => {
      const response = await h.submitView(u, view, values);
      const errors = Object.values(viewErrors(response));
      return { ackText: errors.length ? errors.join('\n') : undefined };
    });
  }

  async press(user: string, action: PressableAction, value?: string): Promise<string[]> {
    const u = this.user(user);
    type Element = { action_id?: string; value?: string };
    // Buttons on DMs and on answers sent through a response_url (a button's answer, in place).
    const buttons = (this.h.fake.calls as RecordedCall[])
      .filter(
        (c) =>
          (c.method === 'chat.postMessage' && c.body.channel === `D${u.slice(1)}`) || c.method.startsWith('response/'),
      )
      .flatMap((c) => ((c.body.blocks ?? []) as { elements?: Element[] }[]).flatMap((b) => b.elements ?? []))
      .filter(
        (e) =>
          (e.action_id === action || e.action_id?.startsWith(`${action}:`)) &&
          (value === undefined || e.value === value),
      );
    const button = buttons.at(-1);
    if (!button?.action_id) throw new Error(`slack driver: no ${action} button in the DM`);
    const actionId = button.action_id;
    return this.seen(u, async () => {
      await this.h.button(u, actionId, button.value);
      return {};
    });
  }

  sendMentioning(user: string, text: string, mentioned: string, options: { inChannel?: boolean } = {}) {
    const typed = text.replace('@@', `<@${this.user(mentioned)}|${mentioned}>`);
    return options.inChannel ? this.sendInChannel(user, typed) : this.send(user, typed);
  }

  /** The outbox runs once, through the real Slack messenger: the DMs it posted to the user. */
  inbox(user: string): Promise<string[]> {
    const h = this.h;
    return this.seen(this.user(user), async () => {
      await createScheduler(h.ctx, [h.slack.messenger], { sender: { maxWaitMs: 0 } }).runDue(h.clock.now());
      return {};
    });
  }

  /** "Rate this session" in the DM opens the modal; its fields are filled in as Slack's view state and submitted. */
  async submitMentorRating(user: string, sessionId: number, fields: Record<string, string>): Promise<string[]> {
    const u = this.user(user);
    const h = this.h;
    type Element = { action_id?: string; value?: string };
    const button = (h.fake.calls as RecordedCall[])
      .filter((c) => c.method === 'chat.postMessage' && c.body.channel === `D${u.slice(1)}`)
      .flatMap((c) => ((c.body.blocks ?? []) as { elements?: Element[] }[]).flatMap((b) => b.elements ?? []))
      .find((e) => e.action_id?.startsWith('mentor_rate') && e.value === String(sessionId));
    if (!button?.action_id) throw new Error(`slack driver: no rate button for session ${sessionId} in the DM`);
    const opened = h.calls('views.open').length;
    const shown = await this.seen(u, async () => {
      await h.button(u, button.action_id as string, button.value);
      return {};
    });
    if (h.calls('views.open').length === opened) return shown;
    const view = h.lastOpenedView();
    type Block = { type: string; block_id?: string; element?: Record<string, unknown> };
    const values: Record<string, Record<string, unknown>> = {};
    for (const block of (view.blocks as Block[]).filter((b) => b.type === 'input')) {
      const id = block.block_id as string;
      const given = fields[id];
      values[id] =
        block.element?.type === 'static_select'
          ? { value: given ? selected(given) : { type: 'static_select', selected_option: null } }
          : { value: { type: 'plain_text_input', value: given ?? null } };
    }
    return this.seen(u, async () => {
      const response = await h.submitView(u, view, values);
      const errors = Object.values(viewErrors(response));
      return { ackText: errors.length ? errors.join('\n') : undefined };
    });
  }

  firstContact(user: string, text: string): Promise<string[]> {
    return this.send(user, text);
  }

  /** The slash command typed in a public channel. */
  sendInChannel(user: string, text: string): Promise<string[]> {
    const u = this.user(user);
    const args = text.replace(/^\/?selfcheck\b\s*/i, '');
    return this.seen(u, async () => {
      const { response } = await this.h.command(u, args, { channel: 'C0PEERS' });
      return { ackText: response.json ? String(response.json.text ?? '') : undefined };
    });
  }

  /** File shares in the DM since the last call (files.completeUploadExternal), with the bytes uploaded for each. */
  private filesSeen = new Map<string, number>();
  async files(user: string): Promise<DeliveredFile[]> {
    const channel = `D${this.user(user).slice(1)}`;
    const shares = this.h.fake.shared.get(channel) ?? [];
    const from = this.filesSeen.get(channel) ?? 0;
    this.filesSeen.set(channel, shares.length);
    const uploads = (this.h.fake.calls as RecordedCall[]).filter((c) => c.method.startsWith('upload/'));
    return shares.slice(from).flatMap((share) =>
      (share.files as { id: string; name: string }[]).map((f) => {
        const upload = uploads.find((c) => c.method === `upload/${f.id}`);
        if (!upload?.bytes) throw new Error(`slack driver: no bytes were uploaded for ${f.name}`);
        return { filename: f.name, bytes: upload.bytes };
      }),
    );
  }

  reply(user: string, text: string): Promise<string[]> {
    const u = this.user(user);
    return this.seen(u, async () => {
      await this.h.dm(u, text);
      return {};
    });
  }
}
