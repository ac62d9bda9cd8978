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
    blocks.push({
      type: 'actions',
      elements: m.buttons.map((b) => ({
        type: 'button',
        action_id: b.action,
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
  return toPlainText({ ...m, buttons: undefined }).slice(0, 3000);
}
