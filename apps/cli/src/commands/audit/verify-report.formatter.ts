import { AuditVerificationKey, ExportVerifyReport } from '@vigie/audit-chain';

function keyLabel(keyId: string): string {
  return `${keyId.slice(0, 16)}…`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** The human summary of `vigie audit verify`. */
export function formatVerifyReport(report: ExportVerifyReport, context: { file: string; trustedKeys: readonly AuditVerificationKey[] }): string {
  const out: string[] = [`Audit export ${context.file}`];
  const row = (label: string, value: string) => out.push(`  ${label.padEnd(12)}${value}`);
  const { header } = report;
  if (header) {
    row('tenant', header.tenant);
    row(
      'range',
      header.toSeq >= header.fromSeq ? `seq ${header.fromSeq}..${header.toSeq}, exported ${header.exportedAt}` : `empty, exported ${header.exportedAt}`,
    );
    if (header.purpose) row('purpose', header.purpose);
  }
  if (report.start) {
    row(
      'start',
      report.start === 'genesis'
        ? "the tenant's genesis"
        : report.start === 'anchor'
          ? `signed checkpoint at seq ${report.anchorSeq}`
          : 'not vouched for by any signed checkpoint',
    );
  }
  row('records', report.recordsChecked === 0 ? 'none verified' : `${report.recordsChecked} verified (seq ${report.firstSeq}..${report.lastSeq})`);
  const cps = report.checkpoints;
  if (cps.length > 0) {
    const valid = cps.filter((c) => c.signatureValid).length;
    const matching = cps.filter((c) => c.matchesChain === true).length;
    row('checkpoints', `${cps.length}: ${valid} with a valid signature, ${matching} matching the chain`);
    for (const c of cps.filter((c) => !c.signatureValid || c.matchesChain === false)) {
      const why = !c.keyKnown ? `signed by untrusted key ${keyLabel(c.keyId)}` : !c.signatureValid ? 'signature does not verify' : 'does not match the chain';
      row('', `seq ${c.seq} (${c.kind}): ${why}`);
    }
  } else {
    row('checkpoints', 'none');
  }
  row('keys', context.trustedKeys.map((k) => keyLabel(k.keyId)).join(', ') + ' (trusted)');
  if (report.untrustedHeaderKeys.length > 0) {
    row('note', `the file names keys you did not trust: ${report.untrustedHeaderKeys.map(keyLabel).join(', ')}`);
  }
  if (report.ok && report.unsignedTail > 0) {
    row('note', `the last ${plural(report.unsignedTail, 'record')} after seq ${report.coveredUpTo ?? report.firstSeq} are not covered by a signed checkpoint; their removal could not be detected`);
  }
  out.push('');
  const p = report.firstProblem;
  if (!p) {
    out.push('OK: the chain holds.');
  } else {
    const where = [p.seq !== null ? `seq ${p.seq}` : null, p.eventId ? `event ${p.eventId}` : null, p.line ? `line ${p.line}` : null]
      .filter(Boolean)
      .join(', ');
    out.push(`FAILED: ${p.kind}${where ? ` at ${where}` : ''}`);
    out.push(`  ${p.message}`);
  }
  return `${out.join('\n')}\n`;
}
