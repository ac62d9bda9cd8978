/** Prints the prompt catalogue's figures for the README: npx tsx scripts/prompt-counts.ts */
import { loadCatalog } from '../src/catalog';
import { promptCounts } from '../src/core/prompt-counts';

process.stdout.write(`${promptCounts(loadCatalog()).join('\n')}\n`);
