import type { SentPayload } from '../helpers/sent-payloads';
import { checkSlackCall } from './block-kit';
import { checkTeamsActivity } from './teams';

/** Every problem the vendors' rules find in these payloads; empty when all conform. */
export function checkSent(sent: readonly SentPayload[]): string[] {
  return sent.flatMap((s) => {
    if (s.platform === 'slack') return checkSlackCall(s.method, s.body);
    if (s.method === 'send' || s.method === 'reply' || s.method === 'update')
      return checkTeamsActivity(s.method, s.body);
    return [];
  });
}

/** The problems with repeats counted once, so one faulty renderer used a hundred times reads as one line. */
export function summarise(problems: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const p of problems) counts.set(p, (counts.get(p) ?? 0) + 1);
  return [...counts].map(([p, n]) => (n > 1 ? `${p} (×${n})` : p));
}
