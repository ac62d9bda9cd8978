import { runCli } from './cli/index';

runCli(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`cli failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exitCode = 1;
  },
);
