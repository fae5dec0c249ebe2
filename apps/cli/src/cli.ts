import { CliIo, ExitCode, ExitCodeValue } from './cli-io';
import { CliCommand, CliUsageError } from './commands/cli-command';
import { COMMANDS } from './commands';

export function cliHelp(commands: readonly CliCommand[] = COMMANDS): string {
  return [
    'Usage: vigie <command> [options]',
    '',
    'Vigie command-line tools.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`),
    '',
    'Run `vigie <command> --help` for its commands and options.',
  ].join('\n');
}

/** Runs `vigie <args>`; resolves to the process exit code. Never throws. */
export async function runCli(args: readonly string[], io: CliIo, commands: readonly CliCommand[] = COMMANDS): Promise<ExitCodeValue> {
  const [name, ...rest] = args;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(`${cliHelp(commands)}\n`);
    return name === undefined ? ExitCode.Usage : ExitCode.Ok;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr(`vigie: unknown command "${name}"\n\n${cliHelp(commands)}\n`);
    return ExitCode.Usage;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.stderr(`vigie ${name}: ${error.message}\n`);
      return ExitCode.Usage;
    }
    io.stderr(`vigie ${name}: ${(error as Error)?.message ?? String(error)}\n`);
    return ExitCode.Usage;
  }
}
