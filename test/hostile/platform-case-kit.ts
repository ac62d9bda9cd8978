/**
 * What the platform catalogue's cases share (platform-cases.ts for Slack, platform-cases-teams.ts for Teams): the
 * tables every case is counted against, the coaches the cases speak as, and the hostile texts they send.
 */

/** Tables the catalogue counts: a refusal changes none of them; an accepted case changes exactly what it names. */
export const COUNTED_TABLES = [
  'coaches',
  'self_checks',
  'reflections',
  'prompt_issues',
  'inbound_events',
  'conversation_references',
  'audit_log',
] as const;
export type CountedTable = (typeof COUNTED_TABLES)[number];

/** The coach every Slack case speaks as (registered before the catalogue runs, so no case adds a coach). */
export const SLACK_USER = 'U0HOSTILE';
/** The coach every Teams case speaks as. */
export const TEAMS_USER = 'hostile';

export const MB = 1024 * 1024;
export const NOTE_100K = 'n'.repeat(100_000);
export const RTL = 'שלום مرحبا \u202Eevil\u202C done';
export const EMOJI = '👩🏽‍⚕️🇳🇵 🧑‍🤝‍🧑 trust';
export const SQL = 'x\'); DROP TABLE self_checks; -- " OR 1=1; SELECT * FROM coaches';
