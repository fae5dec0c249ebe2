// The ingestion benchmarks' CSV: one row per person, with a phone each (columns id, first_name,
// last_name, birth_date, phone, city — tests/fixtures/mappings/people-with-phones.yaml maps a
// Person, a Phone and a `uses` link from each row).
'use strict';
const fs = require('node:fs');
const { spawnSync } = require('node:child_process');

const FIRST = ['Jean', 'Marie', 'Pierre', 'Sophie', 'Luc', 'Camille', 'Nicolas', 'Julie', 'Ahmed', 'Fatima', 'Chen', 'Olga'];
const LAST = ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Garcia', 'Nguyen'];
const CITIES = ['Paris', 'Lyon', 'Marseille', 'Toulouse', 'Nantes', 'Lille', 'Rennes', 'Brest'];

const SYLLABLES = [...'bdfgklmnprstvz'].flatMap((c) => [...'aeiou'].map((v) => c + v));

/**
 * A last name spelled from `n`: six of 70 syllables, `n` scattered over the 70⁶ names first, so that
 * two rows' names are neither equal nor one letter apart (`Kabomi…`/`Kebomi…` would be a typo to
 * entity resolution). The name normaliser drops digits, so names told apart only by a number
 * (`Martin20001`, the bench's names before) were one name to resolution: 20,000 rows queued 25,000
 * review pairs and the fuzzy pass took half the ontology's CPU — a benchmark of resolution on a
 * pathological file, not of ingestion (`digitNames` still writes them).
 */
const NAME_SPACE = BigInt(SYLLABLES.length) ** 6n;
function lastName(n) {
  let k = (BigInt(n) * 2654435761n) % NAME_SPACE;
  let name = '';
  for (let s = 0; s < 6; s++, k /= BigInt(SYLLABLES.length)) name += SYLLABLES[Number(k % BigInt(SYLLABLES.length))];
  return name[0].toUpperCase() + name.slice(1);
}

/**
 * Writes the CSV (streamed); returns its size in bytes. Each row: a distinct person and a distinct
 * phone. Names and phone numbers start at `base`, so a run on a stack that kept an earlier run's
 * objects does not resolve (merge) against them — which would measure entity resolution instead.
 * `digitNames` writes the old names (`Martin20001`), to measure what resolution costs there.
 */
async function writePeopleCsv(file, rows, { tag, base, digitNames = false }) {
  const out = fs.createWriteStream(file);
  const write = (s) => (out.write(s) ? undefined : new Promise((r) => out.once('drain', r)));
  await write('id,first_name,last_name,birth_date,phone,city\n');
  let chunk = '';
  for (let i = 0; i < rows; i++) {
    const d = String(1 + (i % 28)).padStart(2, '0');
    const m = String(1 + (i % 12)).padStart(2, '0');
    const n = base + i;
    chunk += `${tag}-${i},${FIRST[i % 12]},${digitNames ? `${LAST[(i * 7) % 12]}${n}` : lastName(n)},${d}/${m}/${1950 + (i % 50)},+336${String(10_000_000 + (n % 90_000_000)).slice(-8)},${CITIES[i % 8]}\n`;
    if (chunk.length > 1 << 16) {
      await write(chunk);
      chunk = '';
    }
  }
  await write(chunk);
  await new Promise((r) => out.end(r));
  return fs.statSync(file).size;
}

/**
 * The benchmarks' baseline: a raw `COPY` of the file into a bare temporary table (psql's \copy, one
 * process start included), on the PostgreSQL of `url`.
 */
function copyPeopleCsv(url, file) {
  const table = `bench_copy_${process.pid}`;
  const started = process.hrtime.bigint();
  const r = spawnSync(
    'psql',
    [url, '-v', 'ON_ERROR_STOP=1', '-q', '-c', `CREATE TEMP TABLE ${table} (id text, first_name text, last_name text, birth_date text, phone text, city text)`, '-c', `\\copy ${table} FROM '${file}' WITH (FORMAT csv, HEADER true)`, '-c', `SELECT count(*) FROM ${table}`, '-At'],
    { encoding: 'utf8' },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (r.status !== 0) throw new Error(`COPY baseline failed: ${r.stderr}`);
  const copied = Number(r.stdout.trim().split('\n').pop());
  return { seconds: Math.round(seconds * 100) / 100, rows: copied, rowsPerSecond: Math.round(copied / seconds) };
}

module.exports = { copyPeopleCsv, writePeopleCsv };
