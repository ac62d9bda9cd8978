/** The sender process (src/schedule/sender-process.ts) run from its TypeScript source, for the crash tests. */
import { senderProcessMain } from '../../src/schedule/sender-process';

senderProcessMain(process.argv.slice(2));
