import type { KnownBlock } from '@slack/types';
import type { Message } from '../../core/message';
import { toPlainText } from '../../core/message';

// Built as plain JSON and typed at the edge: Block Kit's own types are a union too deep to build against.
type Block = KnownBlock;

const MAX_SECTION = 3000;

function mrkdwn(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: text.slice(0, MAX_SECTION) } };
}

/** The core message as Block Kit: header, sections, a fixed-width block, fields, buttons, footer. */
/** Between an action and its value in a Slack action id (actionOf reads the action back). */
export const ACTION_VALUE_SEPARATOR = ':';

/** The core action behind a Slack action id ("welcome_level:PCC" → "welcome_level"). */
export function actionOf(actionId: string): string {
  const at = actionId.indexOf(ACTION_VALUE_SEPARATOR);
  return at < 0 ? actionId : actionId.slice(0, at);
}

export function renderBlocks(m: Message): Block[] {
  const blocks: Block[] = [];
  if (m.title) blocks.push({ type: 'header', text: { type: 'plain_text', text: m.title.slice(0, 150) } });
  for (const line of m.lines) blocks.push(mrkdwn(line));
  if (m.fields?.length) {
    for (let i = 0; i < m.fields.length; i += 10) {
      blocks.push({
        type: 'section',
        fields: m.fields
          .slice(i, i + 10)
          .map((f) => ({ type: 'mrkdwn', text: `*${f.label}*\n${f.value}`.slice(0, 2000) })),
      });
    }
  }
  if (m.preformatted?.length) blocks.push(mrkdwn(`\`\`\`${m.preformatted.join('\n')}\`\`\``));
  if (m.buttons?.length) {
    // Slack wants action ids unique in a block: buttons sharing an action (the welcome's answers) add their value.
    const shared = new Set(
      m.buttons.filter((b, i, all) => all.findIndex((x) => x.action === b.action) !== i).map((b) => b.action),
    );
    blocks.push({
      type: 'actions',
      elements: m.buttons.map((b) => ({
        type: 'button',
        action_id:
          shared.has(b.action) && b.value !== undefined ? `${b.action}${ACTION_VALUE_SEPARATOR}${b.value}` : b.action,
        text: { type: 'plain_text', text: b.label },
        ...(b.value !== undefined ? { value: b.value } : {}),
        ...(b.style ? { style: b.style } : {}),
      })),
    });
  }
  if (m.footer) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: m.footer.slice(0, MAX_SECTION) }] });
  return blocks.slice(0, 50);
}

/** The notification and accessibility text that goes beside blocks. */
export function renderFallbackText(m: Message): string {
  // Copied only when there are buttons to leave out: the copy cost more than the text itself (bench:slack-ack).
  return toPlainText(m.buttons ? { ...m, buttons: undefined } : m).slice(0, 3000);
}
