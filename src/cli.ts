/**
 * Command-line front end to RecordingClient: `npm run --silent cli -- <command> [options]`.
 * See docs/cli.md. Tests call runCli in-process.
 */
import { runCli } from './cli/run';

export { runCli };
export type { CliIO } from './cli/run';

if (require.main === module) {
  void runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then((code) => {
    process.exitCode = code;
    // Nothing should keep the process alive once the command is done; exit anyway if something does.
    setTimeout(() => process.exit(code), 2_000).unref();
  });
}
