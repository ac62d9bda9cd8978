/**
 * Slack's published Block Kit limits, checked on what Trellis sends. Sources (Slack developer docs):
 * - messages: https://docs.slack.dev/reference/methods/chat.postMessage (up to 50 blocks; `text` is the fallback
 *   for notifications and screen readers when `blocks` are sent) and https://docs.slack.dev/reference/block-kit/blocks
 * - views: https://docs.slack.dev/reference/views/modal-views and .../views/home-tab-views (100 blocks, title,
 *   submit and close 24, callback_id 255, private_metadata 3000)
 * - blocks: https://docs.slack.dev/reference/block-kit/blocks/section-block (text 3000, fields 10 × 2000),
 *   .../header-block (150), .../context-block (10 elements), .../actions-block (25 elements),
 *   .../input-block (label and hint 2000), block_id 255 and unique in a message or view, an element's action_id
 *   unique in its block
 * - elements: https://docs.slack.dev/reference/block-kit/block-elements/button-element (text 75, value 2000,
 *   action_id 255, url 3000), .../plain-text-input-element (max_length 3000), .../select-menu-element
 *   (options 100, placeholder 150), .../checkboxes-element (options 10),
 *   https://docs.slack.dev/reference/block-kit/composition-objects/option-object (text 75, value 150)
 */

type Json = Record<string, unknown>;

export const SLACK_LIMITS = {
  messageBlocks: 50,
  viewBlocks: 100,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  inputLabel: 2000,
  buttonText: 75,
  buttonValue: 2000,
  url: 3000,
  id: 255,
  textInputMax: 3000,
  selectOptions: 100,
  checkboxOptions: 10,
  optionText: 75,
  optionValue: 150,
  placeholder: 150,
  viewTitle: 24,
  viewButton: 24,
  callbackId: 255,
  privateMetadata: 3000,
} as const;

const L = SLACK_LIMITS;
const BLOCK_TYPES = new Set(['section', 'header', 'context', 'actions', 'divider', 'input', 'image', 'rich_text']);

class Problems {
  readonly list: string[] = [];
  constructor(private readonly where: string) {}
  add(path: string, problem: string): void {
    this.list.push(`${this.where} ${path}: ${problem}`);
  }
  max(path: string, value: unknown, limit: number): void {
    if (typeof value === 'string' && value.length > limit) this.add(path, `${value.length} characters, limit ${limit}`);
    if (Array.isArray(value) && value.length > limit) this.add(path, `${value.length} items, limit ${limit}`);
  }
}

function checkText(p: Problems, path: string, text: unknown, limit: number, plainOnly = false): void {
  if (!text || typeof text !== 'object') {
    p.add(path, 'missing text object');
    return;
  }
  const t = text as Json;
  if (t.type !== 'plain_text' && (plainOnly || t.type !== 'mrkdwn')) p.add(`${path}.type`, `"${t.type}" not allowed`);
  if (typeof t.text !== 'string' || t.text.length === 0) p.add(`${path}.text`, 'empty');
  else p.max(`${path}.text`, t.text, limit);
}

function checkOptions(p: Problems, path: string, options: unknown, limit: number): void {
  if (!Array.isArray(options) || options.length === 0) {
    p.add(path, 'no options');
    return;
  }
  p.max(path, options, limit);
  for (const [i, o] of (options as Json[]).entries()) {
    checkText(p, `${path}[${i}].text`, o.text, L.optionText);
    p.max(`${path}[${i}].value`, o.value, L.optionValue);
  }
}

function checkElement(p: Problems, path: string, el: Json): void {
  p.max(`${path}.action_id`, el.action_id, L.id);
  if (el.placeholder) checkText(p, `${path}.placeholder`, el.placeholder, L.placeholder, true);
  switch (el.type) {
    case 'button':
      checkText(p, `${path}.text`, el.text, L.buttonText, true);
      p.max(`${path}.value`, el.value, L.buttonValue);
      p.max(`${path}.url`, el.url, L.url);
      break;
    case 'plain_text_input':
      for (const key of ['max_length', 'min_length'] as const) {
        const n = el[key];
        if (n !== undefined && (typeof n !== 'number' || n < 0 || n > L.textInputMax))
          p.add(`${path}.${key}`, `${String(n)}, limit ${L.textInputMax}`);
      }
      break;
    case 'static_select':
      checkOptions(p, `${path}.options`, el.options, L.selectOptions);
      break;
    case 'checkboxes':
    case 'radio_buttons':
      checkOptions(p, `${path}.options`, el.options, L.checkboxOptions);
      break;
    case 'timepicker':
    case 'datepicker':
    case 'image':
    case 'mrkdwn':
    case 'plain_text':
      break;
    default:
      p.add(`${path}.type`, `unknown element "${String(el.type)}"`);
  }
}

function checkBlocks(p: Problems, blocks: unknown, maxBlocks: number): void {
  if (!Array.isArray(blocks)) {
    p.add('blocks', 'not an array');
    return;
  }
  p.max('blocks', blocks, maxBlocks);
  const ids = new Set<string>();
  for (const [i, block] of (blocks as Json[]).entries()) checkBlock(p, ids, `blocks[${i}]`, block);
}

function checkBlock(p: Problems, ids: Set<string>, path: string, block: Json): void {
  if (typeof block.block_id === 'string') {
    p.max(`${path}.block_id`, block.block_id, L.id);
    if (ids.has(block.block_id)) p.add(`${path}.block_id`, `"${block.block_id}" is used twice`);
    ids.add(block.block_id);
  }
  if (!BLOCK_TYPES.has(String(block.type))) {
    p.add(`${path}.type`, `unknown block "${String(block.type)}"`);
    return;
  }
  const elements = (block.elements ?? []) as Json[];
  switch (block.type) {
    case 'section': {
      if (!block.text && !block.fields) p.add(path, 'neither text nor fields');
      if (block.text) checkText(p, `${path}.text`, block.text, L.sectionText);
      if (block.fields) {
        p.max(`${path}.fields`, block.fields, L.sectionFields);
        for (const [j, f] of (block.fields as Json[]).entries()) checkText(p, `${path}.fields[${j}]`, f, L.fieldText);
      }
      if (block.accessory) checkElement(p, `${path}.accessory`, block.accessory as Json);
      break;
    }
    case 'header':
      checkText(p, `${path}.text`, block.text, L.headerText, true);
      break;
    case 'context':
      p.max(`${path}.elements`, elements, L.contextElements);
      for (const [j, e] of elements.entries())
        if (e.type !== 'image') checkText(p, `${path}.elements[${j}]`, e, L.sectionText);
      break;
    case 'actions': {
      p.max(`${path}.elements`, elements, L.actionsElements);
      const actionIds = new Set<string>();
      for (const [j, e] of elements.entries()) {
        checkElement(p, `${path}.elements[${j}]`, e);
        if (typeof e.action_id !== 'string') continue;
        if (actionIds.has(e.action_id))
          p.add(`${path}.elements[${j}].action_id`, `"${e.action_id}" is used twice in the block`);
        actionIds.add(e.action_id);
      }
      break;
    }
    case 'input':
      checkText(p, `${path}.label`, block.label, L.inputLabel, true);
      if (block.hint) checkText(p, `${path}.hint`, block.hint, L.inputLabel, true);
      if (!block.element) p.add(`${path}.element`, 'missing');
      else checkElement(p, `${path}.element`, block.element as Json);
      break;
  }
}

/** A message body (chat.postMessage, chat.update, chat.postEphemeral, a response_url post or an ack). */
export function checkSlackMessage(where: string, body: Json, requireText = true): string[] {
  const p = new Problems(where);
  if (body.blocks !== undefined) {
    checkBlocks(p, body.blocks, L.messageBlocks);
    if (requireText && (typeof body.text !== 'string' || body.text.trim() === ''))
      p.add('text', 'no top-level text fallback beside blocks');
  }
  return p.list;
}

/** A view (views.open, views.update, views.push, views.publish, or a view submission's update/push answer). */
export function checkSlackView(where: string, viewObject: object): string[] {
  const view = viewObject as Json;
  const p = new Problems(where);
  if (view.type !== 'modal' && view.type !== 'home') p.add('type', `"${String(view.type)}" is not a view type`);
  checkBlocks(p, view.blocks, L.viewBlocks);
  if (view.type === 'modal') {
    checkText(p, 'title', view.title, L.viewTitle, true);
    if (view.submit) checkText(p, 'submit', view.submit, L.viewButton, true);
    if (view.close) checkText(p, 'close', view.close, L.viewButton, true);
    const hasInput = ((view.blocks ?? []) as Json[]).some((b) => b.type === 'input');
    if (hasInput && !view.submit) p.add('submit', 'a modal with inputs needs a submit button');
  }
  p.max('callback_id', view.callback_id, L.callbackId);
  p.max('private_metadata', view.private_metadata, L.privateMetadata);
  return p.list;
}

/** Whatever Trellis sent to Slack under `method`, judged by the rules for what it is. */
export function checkSlackCall(method: string, body: Json): string[] {
  const where = `slack ${method}`;
  if (method.startsWith('views.')) return checkSlackView(where, (body.view ?? {}) as Json);
  if (method === 'chat.postMessage' || method === 'chat.update') return checkSlackMessage(where, body);
  if (method === 'chat.postEphemeral' || method.startsWith('response/')) return checkSlackMessage(where, body);
  if (method === 'ack') {
    if ((body.response_action === 'update' || body.response_action === 'push') && body.view)
      return checkSlackView(where, body.view as Json);
    return checkSlackMessage(where, body);
  }
  return [];
}
