import { createScheduler } from '../../src/schedule';
import { activityText, cardOf, FakeBotConnector } from '../helpers/fake-bot-connector';
import { FakeUploadServer } from '../helpers/fake-upload-server';
import {
  channelMention,
  fileConsentInvoke,
  personalInstall,
  personalMessage,
  startTeams,
  type TeamsHarness,
} from '../platforms/teams/harness';
import type { DeliveredFile, PlatformDriver, PressableAction, ProfileFields } from './driver';

/**
 * Teams, driven over HTTP: real activities POSTed to the real /api/messages (CloudAdapter, emulator mode), with
 * every reply, card update and proactive send recorded by a fake Bot Connector and read back as text.
 */
export class TeamsDriver implements PlatformDriver {
  readonly name = 'teams' as const;
  private connector?: FakeBotConnector;
  private teams?: TeamsHarness;
  private cards = 0;
  /** The coach's OneDrive as file consent uploads to it. */
  private uploads?: FakeUploadServer;

  async start(dbFile: string): Promise<void> {
    this.connector = await new FakeBotConnector().start();
    this.uploads = await new FakeUploadServer().start();
    this.teams = await startTeams({ dbFile });
  }

  async stop(): Promise<void> {
    await this.teams?.stop();
    await this.uploads?.stop();
    await this.connector?.stop();
  }

  private consentSeen = 0;
  /** Allows every file-consent card sent to the coach since the last call: each file is PUT to the fake OneDrive. */
  async files(user: string): Promise<DeliveredFile[]> {
    const uploads = this.uploads;
    if (!uploads) throw new Error('teams driver: not started');
    type Consent = { contentType: string; name: string; content: { acceptContext: unknown } };
    const sent = this.sent();
    const cards = sent
      .slice(this.consentSeen)
      .filter((c) => c.conversationId === `a:personal-${user}`)
      .flatMap((c) => (c.body.attachments ?? []) as Consent[])
      .filter((a) => a.contentType === 'application/vnd.microsoft.teams.card.file.consent');
    this.consentSeen = sent.length;
    const out: DeliveredFile[] = [];
    for (const [i, card] of cards.entries()) {
      const before = uploads.calls.length;
      const uploadInfo = {
        name: card.name,
        uploadUrl: `${uploads.url}session/${user}-${this.consentSeen}-${i}?tempauth=token`,
        contentUrl: `https://contoso-my.sharepoint.com/personal/coach/Documents/${card.name}`,
        uniqueId: `unique-${user}-${this.consentSeen}-${i}`,
        fileType: card.name.split('.').pop(),
      };
      await this.post(
        fileConsentInvoke(this.url, user, {
          type: 'fileUpload',
          action: 'accept',
          context: card.content.acceptContext,
          uploadInfo,
        }),
      );
      const put = uploads.calls[before];
      if (!put) throw new Error(`teams driver: ${card.name} was allowed but not uploaded`);
      out.push({ filename: card.name, bytes: put.body });
    }
    this.consentSeen = this.sent().length;
    return out;
  }

  send(user: string, text: string): Promise<string[]> {
    return this.exchange(personalMessage(this.url, user, text));
  }

  /** Types "selfcheck", fills in the card that comes back, and submits it as Teams does (a message with a value). */
  async submitSelfCheck(user: string, ratings: Partial<Record<string, string>>, note?: string): Promise<string[]> {
    const before = this.sent().length;
    await this.post(personalMessage(this.url, user, 'selfcheck'));
    const card = this.sent()
      .slice(before)
      .map((c) => cardOf(c.body))
      .find(Boolean);
    if (!card) throw new Error('teams driver: "selfcheck" did not answer with a card');
    const action = (card.actions as { type: string; data: Record<string, string> }[]).find(
      (a) => a.type === 'Action.Submit',
    );
    if (!action) throw new Error('teams driver: the self-check card has no submit button');
    const inputs: Record<string, string> = {};
    for (const [key, value] of Object.entries(ratings)) if (value !== undefined) inputs[key] = value;
    if (note !== undefined) inputs.note = note;
    return this.exchange(
      personalMessage(this.url, user, undefined, {
        replyToId: `card-${++this.cards}`,
        value: { ...action.data, ...inputs },
      }),
    );
  }

  /** Types "selfcheck session", fills in the card that comes back, and submits it. */
  async submitSession(user: string, fields: Record<string, string>): Promise<string[]> {
    const before = this.sent().length;
    await this.post(personalMessage(this.url, user, 'selfcheck session'));
    const card = this.sent()
      .slice(before)
      .map((c) => cardOf(c.body))
      .find(Boolean);
    if (!card) throw new Error('teams driver: "selfcheck session" did not answer with a card');
    type Input = { id?: string; value?: string };
    const inputs: Record<string, string> = {};
    for (const el of card.body as Input[]) if (el.id && el.value) inputs[el.id] = el.value;
    const action = (card.actions as { type: string; data: Record<string, string> }[]).find(
      (a) => a.type === 'Action.Submit',
    );
    if (!action) throw new Error('teams driver: the session card has no submit button');
    return this.exchange(
      personalMessage(this.url, user, undefined, {
        replyToId: `card-${++this.cards}`,
        value: { ...action.data, ...inputs, ...fields },
      }),
    );
  }

  /** Types "selfcheck settings", keeps every input of the card as shown, sets the profile's, and submits it. */
  async saveProfile(user: string, f: ProfileFields): Promise<string[]> {
    const before = this.sent().length;
    await this.post(personalMessage(this.url, user, 'selfcheck settings'));
    const card = this.sent()
      .slice(before)
      .map((c) => cardOf(c.body))
      .find(Boolean);
    if (!card) throw new Error('teams driver: "selfcheck settings" did not answer with a card');
    const inputs: Record<string, string> = {};
    for (const el of card.body as { id?: string; value?: string }[]) if (el.id && el.value) inputs[el.id] = el.value;
    if (f.level !== undefined) inputs.level = f.level;
    if (f.toward !== undefined) inputs.toward = f.toward;
    // Teams leaves an input with nothing chosen out of the submission.
    if (f.practices?.length) inputs.practices = f.practices.join(',');
    else if (f.practices) delete inputs.practices;
    const action = (card.actions as { type: string; data: Record<string, string> }[]).find(
      (a) => a.type === 'Action.Submit',
    );
    if (!action) throw new Error('teams driver: the settings card has no submit button');
    return this.exchange(
      personalMessage(this.url, user, undefined, {
        replyToId: `card-${++this.cards}`,
        value: { ...action.data, ...inputs },
      }),
    );
  }

  /** Submits the card button as Teams does: a message whose value is the button's data, replying to its card. */
  press(user: string, action: PressableAction, value?: string): Promise<string[]> {
    type Submit = { type: string; data?: Record<string, string>; actions?: Submit[] };
    type Body = { type?: string; actions?: Submit[] };
    const data = this.sent()
      .flatMap((c) => {
        const card = cardOf(c.body);
        // Top-level actions, and rows of them in the body (ActionSet).
        const rows = ((card?.body ?? []) as Body[])
          .filter((b) => b.type === 'ActionSet')
          .flatMap((b) => b.actions ?? []);
        return [...((card?.actions ?? []) as Submit[]), ...rows].map((a) => a.data);
      })
      .filter((d) => d?.trellisAction === action && (value === undefined || d.value === value))
      .at(-1);
    if (!data) throw new Error(`teams driver: no ${action} button was sent`);
    return this.exchange(
      personalMessage(this.url, user, undefined, { replyToId: `card-${++this.cards}`, value: data }),
    );
  }

  /** Teams installs the app in the coach's personal scope first (its welcome), then the coach types. */
  async firstContact(user: string, text: string): Promise<string[]> {
    const installed = await this.exchange(personalInstall(this.url, user));
    return [...installed, ...(await this.send(user, text))];
  }

  /** "@@" becomes a Teams mention (text and entity, without the AAD id: Trellis asks the connector for it). */
  sendMentioning(user: string, text: string, mentioned: string, options: { inChannel?: boolean } = {}) {
    const shown = `<at>Coach ${mentioned}</at>`;
    const entity = { type: 'mention', text: shown, mentioned: { id: `29:${mentioned}`, name: `Coach ${mentioned}` } };
    const typed = text.replace('@@', shown);
    if (!options.inChannel) return this.exchange(personalMessage(this.url, user, typed, { entities: [entity] }));
    const activity = channelMention(this.url, user, '19:peers@thread.tacv2', typed);
    return this.exchange({ ...activity, entities: [...(activity.entities as unknown[]), entity] });
  }

  /** The outbox runs once, through the real Teams messenger: what it sent to the user's personal chat. */
  async inbox(user: string): Promise<string[]> {
    if (!this.teams) throw new Error('teams driver: not started');
    const before = this.sent().length;
    await createScheduler(this.teams.app, [this.teams.teams.messenger], { sender: { maxWaitMs: 0 } }).runDue();
    return this.sent()
      .slice(before)
      .filter((c) => c.conversationId === `a:personal-${user}`)
      .map((c) => activityText(c.body));
  }

  /** "Rate this session" on the card in the chat brings the rating card; it is filled in and submitted. */
  async submitMentorRating(user: string, sessionId: number, fields: Record<string, string>): Promise<string[]> {
    type Submit = { type: string; data?: Record<string, string> };
    const data = this.sent()
      .filter((c) => c.conversationId === `a:personal-${user}`)
      .flatMap((c) => ((cardOf(c.body)?.actions ?? []) as Submit[]).map((a) => a.data))
      .find((d) => d?.trellisAction === 'mentor_rate' && d.value === String(sessionId));
    if (!data) throw new Error(`teams driver: no rate button for session ${sessionId}`);
    const before = this.sent().length;
    await this.post(personalMessage(this.url, user, undefined, { value: data }));
    const answer = this.sent().slice(before);
    const card = answer.map((c) => cardOf(c.body)).find((c) => c?.actions);
    const submit = ((card?.actions ?? []) as Submit[]).find((a) => a.type === 'Action.Submit')?.data;
    if (submit?.trellisAction !== 'mentor_rating_submit') return answer.map((c) => activityText(c.body));
    return this.exchange(
      personalMessage(this.url, user, undefined, {
        replyToId: `card-${++this.cards}`,
        value: { ...submit, ...fields },
      }),
    );
  }

  sendInChannel(user: string, text: string): Promise<string[]> {
    return this.exchange(channelMention(this.url, user, '19:peers@thread.tacv2', text));
  }

  reply(user: string, text: string): Promise<string[]> {
    return this.send(user, text);
  }

  private get url(): string {
    if (!this.connector) throw new Error('teams driver: not started');
    return this.connector.url;
  }

  private sent() {
    return this.connector?.activities() ?? [];
  }

  private async post(activity: Record<string, unknown>): Promise<void> {
    if (!this.teams) throw new Error('teams driver: not started');
    const res = await this.teams.post(activity);
    if (res.status !== 200) throw new Error(`teams driver: /api/messages answered ${res.status}`);
  }

  /** Posts one activity; the turn (and every reply it sends) is over when the HTTP request answers. */
  private async exchange(activity: Record<string, unknown>): Promise<string[]> {
    const before = this.sent().length;
    await this.post(activity);
    return this.sent()
      .slice(before)
      .map((c) => activityText(c.body));
  }
}
