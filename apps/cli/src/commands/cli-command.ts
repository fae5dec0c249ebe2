import { CliIo, ExitCode, ExitCodeValue } from '../cli-io';

/** One `vigie` command or command group. Each lives in its own module under `commands/`. */
export interface CliCommand {
  readonly name: string;
  /** One line, for the list of commands. */
  readonly summary: string;
  /** Full help, printed by `--help`. */
  readonly help: string;
  run(args: readonly string[], io: CliIo): Promise<ExitCodeValue>;
}

/** Thrown for bad usage; the dispatcher prints the message and exits with `ExitCode.Usage`. */
export class CliUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CliUsageError';
  }
}

/** A command made of subcommands (`vigie audit verify …`). */
export function defineCommandGroup(name: string, summary: string, subcommands: readonly CliCommand[]): CliCommand {
  const help = [
    `Usage: vigie ${name} <command> [options]`,
    '',
    summary,
    '',
    'Commands:',
    ...subcommands.map((c) => `  ${c.name.padEnd(12)} ${c.summary}`),
    '',
    `Run \`vigie ${name} <command> --help\` for a command's options.`,
  ].join('\n');
  return {
    name,
    summary,
    help,
    async run(args, io) {
      const [sub, ...rest] = args;
      if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
        (sub === undefined ? io.stderr : io.stdout)(`${help}\n`);
        return sub === undefined ? ExitCode.Usage : ExitCode.Ok;
      }
      const command = subcommands.find((c) => c.name === sub);
      if (!command) {
        io.stderr(`vigie ${name}: unknown command "${sub}"\n\n${help}\n`);
        return ExitCode.Usage;
      }
      return command.run(rest, io);
    },
  };
}
