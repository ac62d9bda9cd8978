import { runCli } from './cli/index';
import { ConfigError } from './config';
import { loadEnvFile } from './env-file';

try {
  // Like npm start: .env in the working directory, the environment winning.
  loadEnvFile();
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      // Its message, never its stack (LOG_LEVEL=debug prints that too).
      const detail = process.env.LOG_LEVEL === 'debug' ? `\n${(error as Error).stack ?? ''}` : '';
      process.stderr.write(`cli failed: ${(error as Error).message ?? String(error)}${detail}\n`);
      process.exitCode = 1;
    },
  );
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
