import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';

/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Standard input, for `-` as a file name. */
  readonly stdin: () => Readable;
  /** Opens a file for streaming. */
  readonly openFile: (path: string) => Readable;
}

export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdin: () => process.stdin,
    openFile: (path) => createReadStream(path),
  };
}

/** Process exit codes of every `vigie` command. */
export const ExitCode = {
  /** Done; for a verification: the chain holds. */
  Ok: 0,
  /** The command ran and found a problem (the chain does not hold). */
  Failed: 1,
  /** Bad usage or unreadable input: nothing was verified. */
  Usage: 2,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];
