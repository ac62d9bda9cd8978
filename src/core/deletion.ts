import { type Button, type Message, message } from './message';
import type { CoachRef, Platform } from './model';
import type { Clock, Logger, RemovalRequests, Repositories } from './ports';

/**
 * A coach's delete: every row about them, and Trellis's own messages and files on the platform, which a durable
 * queue removes after the answer (src/schedule/removal.ts); or the messages only, keeping the journal. What Trellis
 * cannot remove is said plainly, with how the coach does it.
 */

export interface DeletionDeps {
  repos: Repositories;
  clock: Clock;
  log: Logger;
  /** The removal queue; without it (a bare core in tests) only rows are deleted. */
  removals?: RemovalRequests;
  /** Called after rows were queued, so a running server starts removing at once instead of at the next tick. */
  onRemovalsQueued?: () => void;
}

/** "1 reflection", "2 reflections". */
export const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

const OWN_MESSAGES: Record<Platform, string> = {
  slack: 'your own messages in this chat: hover over one, choose More actions, then Delete message',
  teams: 'your own messages in this chat: hover over one, choose More options (…), then Delete',
  console: '',
};

/** What Trellis cannot remove, and how the coach does, for their platform. */
export function cannotRemove(platform: Platform): string[] {
  if (platform === 'console') {
    return [
      'The terminal chat has no platform messages, so there is nothing there to remove. Export folders under data/exports stay until you delete them.',
    ];
  }
  const admin = platform === 'slack' ? 'your Slack workspace admin' : 'your Microsoft 365 admin';
  return [
    'What Trellis cannot remove:',
    `• ${OWN_MESSAGES[platform]};`,
    `• copies in your workspace's exports, retention or compliance archives: ask ${admin};`,
    ...(platform === 'teams'
      ? ['• export files saved to your OneDrive: Trellis has no access to them, so delete them in OneDrive;']
      : []),
    '• export files you already downloaded: delete them yourself.',
  ];
}

/** The question before deleting: buttons where there are buttons, typed confirmations everywhere. */
export function deleteQuestion(platform: Platform, messagesOnly = false): Message {
  const chat = platform !== 'console';
  const everything: Button = { action: 'confirm_delete', label: 'Delete everything', value: 'delete', style: 'danger' };
  const messagesButton: Button = {
    action: 'confirm_delete_messages',
    label: 'Delete messages only',
    value: 'messages',
  };
  const cancel: Button = { action: 'cancel', label: 'Cancel', value: 'delete' };
  const buttons = [...(messagesOnly ? [] : [everything]), ...(chat ? [messagesButton] : []), cancel];
  const lines = messagesOnly
    ? [
        "This removes Trellis's own messages and files from this chat and keeps your journal (self-checks, notes, reflections, settings).",
        'To go ahead press *Delete messages only*, or type "/selfcheck delete messages confirm".',
      ]
    : [
        'This deletes everything Trellis holds about you: self-checks, notes, reflections, prompts and settings. It cannot be undone.',
        chat
          ? 'Trellis also removes its own messages and files from this chat. *Delete messages only* removes those and keeps your journal.'
          : 'Nothing else is touched.',
        'To go ahead press *Delete everything*, or type "/selfcheck delete confirm". "/selfcheck export" first if you want a copy.',
      ];
  return message([...lines, ...(chat ? cannotRemove(platform) : [])], {
    title: messagesOnly ? "Remove Trellis's messages?" : 'Delete your data?',
    buttons,
  });
}

/** How many of Trellis's items are queued and what happens next, in the answer to a delete. */
function queuedLine(platform: Platform, queued: number): string {
  if (platform === 'console') return '';
  if (queued === 0) return 'Trellis has no messages or files of its own on record in this chat to remove.';
  const what = queued === 1 ? 'its 1 message or file' : `its ${queued} messages and files`;
  return `Trellis is removing ${what} from this chat now; you get one last message with the count when it is done.`;
}

/**
 * What stays until the removals are done: the queue holds the ids of Trellis's messages in the chat (never their
 * content), and a message the platform refuses to remove keeps its id and the chat's, without the coach, for an admin.
 */
function afterRemoval(platform: Platform, queued: number): string {
  if (platform === 'console' || queued === 0) return '';
  return ", except the ids of Trellis's messages in this chat, kept until they are removed; one the platform refuses to remove keeps its id and this chat's, without your name, for an admin to remove by hand";
}

function queue(deps: DeletionDeps, ref: CoachRef, reason: 'delete' | 'messages'): number {
  if (!deps.removals || ref.platform === 'console') return 0;
  return deps.removals.queueCoach(ref, reason, deps.clock.now().toISOString());
}

/** Deletes every row about the coach, for real (foreign keys cascade), queues Trellis's messages, and says what went. */
export function deleteEverything(deps: DeletionDeps, ref: CoachRef, actor: string): Message {
  const { repos } = deps;
  const coach = repos.coaches.find(ref);
  if (!coach) return message('Trellis holds nothing about you; there was nothing to delete.');
  // One transaction: the queue is written only with the deletion it belongs to.
  const result = repos.transaction(() => {
    const queued = queue(deps, ref, 'delete');
    const removed = repos.privacy.deleteCoach(coach.id, { at: deps.clock.now().toISOString(), actor });
    return { queued, removed };
  });
  const { removed, queued } = result;
  if (!removed) return message('Trellis holds nothing about you; there was nothing to delete.');
  deps.log.info('coach data deleted', { coach: coach.id, actor, tables: Object.keys(removed).length, queued });
  if (queued > 0) deps.onRemovalsQueued?.();
  const n = (table: string, noun: string) => count(removed[table] ?? 0, noun);
  return message(
    [
      `Deleted: ${n('self_checks', 'self-check')}, ${n('reflections', 'reflection')}, ${n('prompt_issues', 'prompt')} and your settings. Trellis's database holds no more data about you (the audit log keeps only a number and the counts)${afterRemoval(ref.platform, queued)}.`,
      queuedLine(ref.platform, queued),
      ...cannotRemove(ref.platform),
      'If you write to me again, you start afresh.',
    ].filter((line) => line !== ''),
  );
}

/** Queues Trellis's own messages and files in the coach's chat for removal; the journal stays. */
export function deleteMessagesOnly(deps: DeletionDeps, ref: CoachRef, actor: string): Message {
  if (ref.platform === 'console') {
    return message('The terminal chat has no platform messages, so there is nothing to remove. Your journal stays.');
  }
  const queued = queue(deps, ref, 'messages');
  deps.log.info('coach messages queued for removal', { actor, queued });
  if (queued > 0) deps.onRemovalsQueued?.();
  return message([queuedLine(ref.platform, queued), 'Your journal stays as it is.', ...cannotRemove(ref.platform)]);
}

/** The last word after a coach's removal: the count, and what to do about the ones that would not go. */
export function removalReport(platform: Platform, removed: number, failed: number): Message {
  const how =
    platform === 'teams'
      ? 'hover over the message, choose More options (…), then Delete'
      : 'hover over the message, choose More actions, then Delete message';
  const items = (n: number) => (n === 1 ? '1 of its messages and files' : `${n} of its messages and files`);
  const left =
    failed > 0 ? ` ${failed} could not be removed: delete ${failed === 1 ? 'it' : 'them'} yourself (${how}).` : '';
  return message(`Trellis removed ${items(removed)} from this chat.${left}`);
}
