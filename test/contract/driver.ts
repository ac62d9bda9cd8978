/**
 * The contract every platform adapter must honour, so Slack, Teams and the local chat cannot drift apart.
 * Each platform supplies a driver that talks to the REAL adapter (signed HTTP for Slack, real activities for Teams,
 * the child-process chat for the console) and reports what a coach would see as plain text.
 * test/contract/contract.test.ts runs the same behaviours against every driver.
 */
/** Buttons a contract test presses; `value` picks one of several sharing an action (the welcome's answers). */
export type PressableAction =
  | 'journal_keep'
  | 'journal_discard'
  | 'deeper'
  | 'welcome_level'
  | 'welcome_toward'
  | 'welcome_practice'
  | 'mentor_accept'
  | 'mentor_decline';

export interface PlatformDriver {
  readonly name: 'slack' | 'teams' | 'console';
  /** Starts the platform against a fresh database file. */
  start(dbFile: string): Promise<void>;
  stop(): Promise<void>;
  /**
   * Sends what a coach types (a slash command in Slack, a message in Teams, a line in the chat) as `user`,
   * and returns the plain text of every reply the coach sees, in order.
   */
  send(user: string, text: string): Promise<string[]>;
  /**
   * Opens the self-check form (modal, card, or the step-by-step chat) and submits it with these answers:
   * ratings by behaviour key ('1'..'5', or undefined to skip) and an optional note.
   * Returns what the coach sees: the acknowledgement, or the errors that say what to fix.
   */
  submitSelfCheck(user: string, ratings: Partial<Record<string, string>>, note?: string): Promise<string[]>;
  /**
   * Opens the session form (`/selfcheck session`: Slack modal, Teams card, terminal dialog) and submits it with these
   * fields (date, minutes, paid 'paid'|'probono', kind 'individual'|'group', participants, clientCode,
   * observed_4.1 'observed'|'partly'|'not', evidence_4.1, …; absent = left empty). Returns what the coach sees.
   */
  submitSession(user: string, fields: Record<string, string>): Promise<string[]>;
  /** Answers today's prompt by the platform's usual way (plain reply in the DM or chat). */
  reply(user: string, text: string): Promise<string[]>;
  /**
   * Presses the button `action` on the latest message that carried it (Slack block button, Teams card submit); in the
   * terminal chat, which draws no such buttons, types the word the message names instead (keep, discard).
   */
  press(user: string, action: PressableAction, value?: string): Promise<string[]>;
  /**
   * The coach's first contact, then `text` typed: in Teams the app is installed in their personal scope first (Teams
   * sends that before any message); elsewhere the first contact is the text itself.
   */
  firstContact(user: string, text: string): Promise<string[]>;
  /**
   * Saves the coach's profile through the platform's settings form (Slack's settings modal, Teams' settings card; in
   * the terminal, which has no form, the one-line "settings profile …"): the credential held and worked toward
   * ('ACC' | 'PCC' | 'MCC' | 'none') and the kinds of practice (ids, [] for none); a field left out keeps its value,
   * every other field of the form is sent as it was shown. Returns what the coach sees: the saved settings, or the
   * problems.
   */
  saveProfile(user: string, fields: ProfileFields): Promise<string[]>;
  /** Types `text` in a team channel rather than the DM (a Slack slash command there, an @mention in Teams). */
  sendInChannel(user: string, text: string): Promise<string[]>;
  /**
   * Sends `text` in which "@@" mentions `mentioned` as the platform carries a mention: Slack's escaped
   * "<@U…|name>" in the slash command, a Teams mention entity (in a team channel when `inChannel`, where people are
   * mentioned), the terminal's user name.
   */
  sendMentioning(user: string, text: string, mentioned: string, options?: { inChannel?: boolean }): Promise<string[]>;
  /**
   * What reached `user` without their asking: the outbox runs once (Slack and Teams DMs); the terminal chat shows
   * what waited for the coach when they open it.
   */
  inbox(user: string): Promise<string[]>;
  /**
   * "Rate this session" opens the mentor's form (Slack modal, Teams card; the terminal types "mentor rate N …") and
   * submits these fields: behaviour keys '1'..'5', observed_4.1 … 'observed'|'partly'|'not', comment.
   */
  submitMentorRating(user: string, sessionId: number, fields: Record<string, string>): Promise<string[]>;
  /**
   * The files delivered to `user` since the last call, with their exact bytes: Slack's uploads shared in the DM (the
   * fake Web API), Teams' consent cards each allowed and PUT to a fake OneDrive upload URL, the folder the terminal
   * chat printed it wrote them to.
   */
  files(user: string): Promise<DeliveredFile[]>;
}

export interface DeliveredFile {
  filename: string;
  bytes: Buffer;
}

/** What a contract test puts in the settings form's profile fields. */
export interface ProfileFields {
  level?: string;
  toward?: string;
  practices?: string[];
}
