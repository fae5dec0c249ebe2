# shellcheck shell=bash
# Sourced by scripts/up.sh once the services run: generates the small demo dataset into
# .vigie/demo/ (tests/fixtures/generate-dataset.js, seed 42) and, when the gateway serves
# POST /api/v1/ingest/jobs and the development tenant "alpha" has its ingest user, uploads it as
# alpha-ingest (call records, company registry, STIX bundle). Never fails `npm run up`: whatever
# goes wrong is printed and skipped. Uploads once: a file already ingested (same source, a job not
# failed) is not uploaded again. See docs/demo.md.
demo_main() {
  local out="${VIGIE_DEMO_DIR:-${VIGIE_STATE_DIR:-.vigie}/demo}"
  say "demo dataset (docs/demo.md)"
  if ! node tests/fixtures/generate-dataset.js --out "$out" --seed 42 --scale small >"$out.generate.log" 2>&1; then
    echo "  demo: the dataset generator failed (see $out.generate.log); no demo data"
    return 0
  fi
  echo "  generated into $out: $(node -e 'const m=require(require("path").resolve(process.argv[1]));console.log(Object.values(m.files).map(f=>`${f.file} (${f.items} items)`).join(", "))' "$out/manifest.json")"
  DEMO_DIR="$out" node - <<'NODE'
const fs = require('node:fs');
const path = require('node:path');
const dir = path.resolve(process.env.DEMO_DIR);
const gateway = `http://127.0.0.1:${require(path.resolve('scripts/lib/services.cjs')).SERVICES.find((s) => s.name === 'gateway').httpPort}`;
const say = (m) => console.log(`  demo: ${m}`);
const stateDir = process.env.VIGIE_STATE_DIR || '.vigie';

async function main() {
  let doc;
  try {
    doc = await (await fetch(`${gateway}/api/docs/openapi.json`, { signal: AbortSignal.timeout(10_000) })).json();
  } catch (error) {
    return say(`the gateway's OpenAPI document is not reachable (${error.message}): upload skipped`);
  }
  if (!doc?.paths?.['/api/v1/ingest/jobs']?.post) return say('the gateway has no POST /api/v1/ingest/jobs yet: upload skipped (the files are in ' + dir + ')');
  const passwordFile = path.join(stateDir, 'secrets', 'realms', 'dev-user-password');
  if (!fs.existsSync(passwordFile) || !process.env.KEYCLOAK_URL) return say(`no development realm password (${passwordFile}) or KEYCLOAK_URL: upload skipped`);
  const tokenRes = await fetch(`${process.env.KEYCLOAK_URL}/realms/alpha/protocol/openid-connect/token`, {
    method: 'POST',
    body: new URLSearchParams({ grant_type: 'password', client_id: 'vigie-cli', username: 'alpha-ingest', password: fs.readFileSync(passwordFile, 'utf8').trim() }),
    signal: AbortSignal.timeout(15_000),
  }).catch((error) => ({ ok: false, status: error.message, json: async () => ({}) }));
  const token = tokenRes.ok ? (await tokenRes.json()).access_token : undefined;
  if (!token) return say(`the demo ingest user alpha-ingest of realm alpha could not log in (${tokenRes.status}): upload skipped`);
  const auth = { authorization: `Bearer ${token}` };
  // The STIX 2.1 ontology extension (threat actors, malware, indicators…), applied by each
  // development tenant's administrator, as an administrator does once per tenant (docs/ingestion.md).
  if (doc.paths['/api/v1/ingest/stix-extension']?.post) {
    for (const realm of ['alpha', 'bravo']) {
      const adminRes = await fetch(`${process.env.KEYCLOAK_URL}/realms/${realm}/protocol/openid-connect/token`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'password', client_id: 'vigie-cli', username: `${realm}-admin`, password: fs.readFileSync(passwordFile, 'utf8').trim() }),
        signal: AbortSignal.timeout(15_000),
      }).catch(() => ({ ok: false }));
      const adminToken = adminRes.ok ? (await adminRes.json()).access_token : undefined;
      if (!adminToken) {
        say(`STIX ontology extension of ${realm}: ${realm}-admin could not log in, not applied`);
        continue;
      }
      const r = await fetch(`${gateway}/api/v1/ingest/stix-extension`, { method: 'POST', headers: { authorization: `Bearer ${adminToken}` }, signal: AbortSignal.timeout(60_000) }).catch((error) => ({ ok: false, status: error.message, json: async () => ({}) }));
      const body = await r.json().catch(() => ({}));
      say(r.ok ? `STIX ontology extension of ${realm}: ${body.changes.length ? `${body.changes.length} type(s) added or extended` : 'already there'} (ontology version ${body.version})` : `STIX ontology extension of ${realm}: refused (${r.status}) ${JSON.stringify(body).slice(0, 200)}`);
    }
  }
  const uploads = [
    { source: 'demo:call-records', format: 'csv', file: 'call-records.csv', mapping: 'call-records.mapping.yaml', markings: { level: 'DR', compartments: [] } },
    { source: 'demo:company-registry', format: 'ndjson', file: 'company-registry.ndjson', mapping: 'company-registry.mapping.yaml', markings: { level: 'NP', compartments: [] } },
    { source: 'demo:threat-intel', format: 'stix', file: 'threat-intel.stix.json', markings: { level: 'NP', compartments: [] } },
  ];
  const jobs = [];
  for (const u of uploads) {
    const existing = await fetch(`${gateway}/api/v1/ingest/jobs?source=${encodeURIComponent(u.source)}&limit=20`, { headers: auth }).then((r) => (r.ok ? r.json() : { items: [] })).catch(() => ({ items: [] }));
    // A STIX job that ran before the tenant had the STIX extension quarantined most objects: upload again.
    const done = (existing.items ?? []).find((j) => j.status !== 'failed' && j.status !== 'cancelled' && !(u.format === 'stix' && j.detected?.stixOntologyMissing));
    if (done) {
      say(`${u.file}: already ingested (job ${done.id}, ${done.status}), not uploaded again`);
      continue;
    }
    const form = new FormData();
    form.set('format', u.format);
    form.set('source', u.source);
    form.set('markings', JSON.stringify(u.markings));
    if (u.mapping) form.set('mapping', fs.readFileSync(path.join(dir, u.mapping), 'utf8'));
    form.set('file', new Blob([fs.readFileSync(path.join(dir, u.file))]), u.file);
    const res = await fetch(`${gateway}/api/v1/ingest/jobs`, { method: 'POST', headers: auth, body: form, signal: AbortSignal.timeout(60_000) }).catch((error) => ({ ok: false, status: error.message, text: async () => '' }));
    const body = await res.text();
    if (!res.ok) {
      say(`${u.file}: upload refused (${res.status}) ${body.slice(0, 300)}`);
      continue;
    }
    const job = JSON.parse(body);
    jobs.push({ ...u, id: job.id });
    say(`${u.file}: job ${job.id} started`);
  }
  // Wait a little for the jobs (small files), then say where they are; a slow job keeps running.
  const deadline = Date.now() + 45_000;
  const final = new Map();
  while (jobs.length && Date.now() < deadline) {
    for (const j of jobs) {
      const job = await fetch(`${gateway}/api/v1/ingest/jobs/${j.id}`, { headers: auth }).then((r) => (r.ok ? r.json() : null)).catch(() => null);
      if (job) final.set(j.id, job);
    }
    if ([...final.values()].length === jobs.length && [...final.values()].every((job) => !['pending', 'running'].includes(job.status))) break;
    await new Promise((r) => setTimeout(r, 1_500));
  }
  for (const j of jobs) {
    const job = final.get(j.id);
    const c = job?.counts ?? {};
    say(`${j.file}: ${job?.status ?? 'unknown'} — read ${c.read ?? '?'}, written ${c.written ?? '?'}, quarantined ${c.quarantined ?? '?'}${job?.error ? ` — ${job.error.code}: ${job.error.message}` : ''} (GET /api/v1/ingest/jobs/${j.id})`);
  }
}
main().catch((error) => say(`upload stopped: ${error.message}`));
NODE
}
( set +e; demo_main ) || echo "  demo: skipped (unexpected error above)"
unset -f demo_main
