import { takeSent } from '../helpers/sent-payloads';
import { checkSent, summarise } from './check-sent';

/**
 * Runs after every test file (jest `setupFilesAfterEnv`): whatever that file's tests made Trellis send to the
 * fake Slack and Bot Connector must conform to the vendors' rules, so a new message, card or view is checked by
 * the test that first produces it.
 */
afterAll(() => {
  expect(summarise(checkSent(takeSent()))).toEqual([]);
});
