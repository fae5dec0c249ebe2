import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';
import { AuditVerificationKey, loadVerificationKey, verifyExport } from '@vigie/audit-chain';
import { CliIo, ExitCode } from '../../cli-io';
import { CliCommand, CliUsageError } from '../cli-command';
import { formatVerifyReport } from './verify-report.formatter';

const HELP = `Usage: vigie audit verify FILE --public-key KEY [--public-key KEY…] [--json]

Verifies an audit export (NDJSON, optionally .gz; "-" reads standard input) offline:
every record's hash and link, every checkpoint's Ed25519 signature, the start of the
range and its end. Only the keys given here are trusted, never those in the file.

Options:
  -k, --public-key KEY  Trusted public key: a PEM file (SPKI, "BEGIN PUBLIC KEY"; a file may
                        hold several) or the PEM text itself. Repeat for retired keys.
      --json            Print the full verification report as JSON.
  -h, --help            Show this help.

Exit status: 0 the chain holds; 1 it does not (the first problem is named); 2 bad usage or
unreadable input.`;

const PEM_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----/g;

/** Reads `--public-key` values: inline PEM text or a file holding one or more public keys. */
export function readPublicKeys(values: readonly string[]): AuditVerificationKey[] {
  const keys: AuditVerificationKey[] = [];
  for (const value of values) {
    let text: string;
    if (value.includes('-----BEGIN')) {
      text = value;
    } else {
      try {
        text = readFileSync(value, 'utf8');
      } catch (error) {
        throw new CliUsageError(`cannot read public key file "${value}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
      }
    }
    const blocks = text.match(PEM_BLOCK);
    if (!blocks) {
      throw new CliUsageError(`"${value}" holds no public key (expected an SPKI PEM, "-----BEGIN PUBLIC KEY-----")`);
    }
    for (const block of blocks) {
      try {
        keys.push(loadVerificationKey(block));
      } catch (error) {
        throw new CliUsageError(`public key in "${value.slice(0, 60)}": ${(error as Error).message}`);
      }
    }
  }
  return keys;
}

function openInput(file: string, io: CliIo): Readable {
  const raw = file === '-' ? io.stdin() : io.openFile(file);
  return file.endsWith('.gz') ? raw.pipe(createGunzip()) : raw;
}

export const auditVerifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Verify an audit export offline against trusted public keys.',
  help: HELP,
  async run(args, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...args],
        allowPositionals: true,
        strict: true,
        options: {
          'public-key': { type: 'string', short: 'k', multiple: true },
          json: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error) {
      throw new CliUsageError(`${(error as Error).message}\n\n${HELP}`);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout(`${HELP}\n`);
      return ExitCode.Ok;
    }
    if (positionals.length !== 1) {
      throw new CliUsageError(`expected exactly one FILE, got ${positionals.length}\n\n${HELP}`);
    }
    const keyValues = values['public-key'] ?? [];
    if (keyValues.length === 0) {
      throw new CliUsageError(`--public-key is required: verification trusts only the keys you give it\n\n${HELP}`);
    }
    const keys = readPublicKeys(keyValues);
    const file = positionals[0];

    const input = openInput(file, io);
    let report;
    try {
      report = await verifyExport(input, keys);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new CliUsageError(`cannot read "${file}": ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
    } finally {
      input.destroy();
    }

    io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatVerifyReport(report, { file, trustedKeys: keys }));
    return report.ok ? ExitCode.Ok : ExitCode.Failed;
  },
};
