/**
 * What a coach is told about who can read what they write. Every such sentence lives here so that each one is true
 * of the deployment: Trellis shows a coach's notes and reflections to no one else, but the people who run it (who
 * hold the database and, if one is set, the encryption key) can export them, and the chat platform keeps its own copy
 * of what is typed in a chat. README "What the server's admin can and cannot read" is the long version.
 */

/** Short, for form hints and acknowledgements: true whoever runs Trellis and however. */
export const NOTE_NOT_SHOWN = 'Not shown to your group or anyone in your organisation.';
export const REFLECTION_NOT_SHOWN = 'Not shown to your group or anyone in your organisation unless you share it.';

/** Who can read notes and reflections, for help and the welcome: says whether this deployment encrypts them. */
export function whoCanRead(encryptedAtRest: boolean): string {
  const stored = encryptedAtRest
    ? 'They are stored encrypted; the people who run Trellis for your organisation hold the key and can still export them.'
    : 'They are stored unencrypted; the people who run Trellis for your organisation can read and export them.';
  return `Your notes and reflections are not shown to your group or anyone in your organisation unless you share a reflection. ${stored} In Slack and Teams, what you type in a chat is also kept by the platform under your organisation's retention settings.`;
}
