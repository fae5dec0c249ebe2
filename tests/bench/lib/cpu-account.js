'use strict';
// Where the CPU of a benchmark went: seconds of CPU (user + system, from /proc/<pid>/stat) used
// during the measured interval by each Vigie service process, by the PostgreSQL backends of each
// database role (autovacuum and the server's own processes apart), and by nats-server. The
// backends are matched to roles from pg_stat_activity, sampled every `everyMs` (connections come
// and go); a backend that lived less than one sample is counted under "unattributed".
// Linux only (returns null elsewhere).
const fs = require('node:fs');
const os = require('node:os');
const { Client } = require('pg');

const TICKS_PER_SECOND = 100; // USER_HZ; 100 on every Linux this runs on

function cpuTicks(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime
  } catch {
    return null;
  }
}

function parentPid(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1];
  } catch {
    return null;
  }
}

function cmdline(pid) {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

const round = (n) => Math.round(n * 10) / 10;

/**
 * Starts counting. `services`: { name: pid }. `pgUrl`: an admin connection (sees every backend).
 * Returns { stop(rows) } whose result is { wallSeconds, cores, busyCores, seconds: {…}, perThousandRows: {…} }.
 */
async function startCpuAccount({ services, pgUrl, natsMatch = 'nats-server', everyMs = 2000 }) {
  if (!fs.existsSync('/proc/self/stat')) return { stop: async () => null };
  const label = new Map(); // pid -> group
  for (const [name, pid] of Object.entries(services)) label.set(String(pid), `service:${name}`);
  // The sampler's connection outlives a restart of PostgreSQL (one of the restarts a job must
  // survive): a connection the server ended is dropped — never an unhandled 'error' that kills the
  // bench — and the next sample connects again, to the new postmaster.
  let client = null;
  let postmaster = null;
  const connect = async () => {
    const c = new Client({ connectionString: pgUrl, application_name: 'vigie-bench-cpu' });
    c.on('error', () => {
      if (client === c) client = null;
    });
    await c.connect();
    // This stack's server: the parent of our own backend. Other PostgreSQL servers on the machine (other stacks) are not counted.
    const { rows: own } = await c.query('SELECT pg_backend_pid() AS pid');
    postmaster = parentPid(String(own[0].pid));
    client = c;
  };
  await connect();
  const first = new Map();
  const last = new Map();
  const mapBackends = async () => {
    if (!client) await connect();
    const { rows } = await client.query(`SELECT pid, coalesce(nullif(usename, ''), backend_type) AS who FROM pg_stat_activity`);
    for (const r of rows) label.set(String(r.pid), r.who.startsWith('autovacuum') ? 'postgres:autovacuum' : `postgres:${r.who}`);
  };
  const sample = () => {
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      if (!label.has(pid)) {
        const cmd = cmdline(pid);
        if (cmd.includes(natsMatch)) label.set(pid, 'nats-server');
        else if (cmd.startsWith('postgres:') && parentPid(pid) === postmaster) label.set(pid, 'postgres:unattributed');
        else continue;
      }
      const t = cpuTicks(pid);
      if (t === null) continue;
      if (!first.has(pid)) first.set(pid, t);
      last.set(pid, t);
    }
  };
  // Counted from the first sample: a backend born later starts at its first sight (its earlier ticks are lost, < everyMs).
  await mapBackends();
  sample();
  const started = Date.now();
  let busy = false;
  const timer = setInterval(async () => {
    if (busy) return;
    busy = true;
    try {
      await mapBackends();
      sample();
    } catch {
      /* a failed sample is skipped; the next one counts the ticks since */
    } finally {
      busy = false;
    }
  }, everyMs);
  return {
    async stop(rows) {
      clearInterval(timer);
      try {
        await mapBackends();
      } catch {
        /* keep the last mapping */
      }
      sample();
      await client?.end().catch(() => undefined);
      const wallSeconds = (Date.now() - started) / 1000;
      const seconds = {};
      for (const [pid, t] of last) {
        const used = (t - first.get(pid)) / TICKS_PER_SECOND;
        if (used <= 0) continue;
        const group = label.get(pid);
        if (group === `postgres:${new URL(pgUrl).username}`) continue; // the bench's own connections (admin role: this sampler, the COPY baseline)
        seconds[group] = (seconds[group] ?? 0) + used;
      }
      const total = Object.values(seconds).reduce((a, b) => a + b, 0);
      const sorted = Object.fromEntries(Object.entries(seconds).sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v)]));
      return {
        wallSeconds: round(wallSeconds),
        cores: os.cpus().length,
        busyCores: round(total / wallSeconds),
        totalSeconds: round(total),
        seconds: sorted,
        // Milliseconds of CPU per row, by group: the figure that does not depend on the machine's other load.
        msPerRow: rows ? Object.fromEntries(Object.entries(sorted).map(([k, v]) => [k, Math.round((v * 1000 * 1000) / rows) / 1000])) : undefined,
        msPerRowTotal: rows ? Math.round((total * 1000 * 1000) / rows) / 1000 : undefined,
      };
    },
  };
}

module.exports = { startCpuAccount };
