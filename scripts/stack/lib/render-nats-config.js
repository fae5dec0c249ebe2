#!/usr/bin/env node
// Expands config/nats/permissions.json into per-user NATS permissions and renders nats-server.conf.
//   render-nats-config.js users <permissions.json>   user names, one per line
//   render-nats-config.js json  <permissions.json>   per-user allow/deny lists as JSON (for the Helm chart)
//   render-nats-config.js conf  <permissions.json>   nats-server.conf for the local stack; reads
//     VIGIE_NATS_LISTEN, VIGIE_NATS_HTTP, VIGIE_NATS_STORE_DIR, VIGIE_NATS_PID_FILE,
//     VIGIE_NATS_MAX_MEMORY_STORE, VIGIE_NATS_MAX_FILE_STORE and VIGIE_NATS_SECRETS_DIR
//     (one file 'nats-<user>' per user holding its password).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

// Each user has its own reply inbox prefix (`_INBOX_<user>`, set by the messaging library), so
// no service can subscribe to the replies meant for another.
const inboxOf = (name) => `_INBOX_${name}.>`;
const JS_COMMON = ['$JS.API.>', '$JS.ACK.>'];
const STREAM_ADMIN_VERBS = ['CREATE', 'UPDATE', 'DELETE', 'PURGE', 'SNAPSHOT', 'RESTORE'];

function fail(message) {
  process.stderr.write(`render-nats-config: ${message}\n`);
  process.exit(1);
}

function checkKeys(where, value, allowed) {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail(`${where} must be an object`);
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${where} has unknown key "${key}" (allowed: ${allowed.join(', ')})`);
  }
}

function checkNames(where, list, known, allowStar) {
  if (!Array.isArray(list)) fail(`${where} must be an array`);
  for (const name of list) {
    if (allowStar && name === '*') continue;
    if (!known.includes(name)) fail(`${where} names unknown user "${name}"`);
  }
}

function load(file) {
  let table;
  try {
    table = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    fail(`cannot read ${file}: ${error.message}`);
  }
  checkKeys('the table', table, ['$comment', 'streams', 'users']);
  checkKeys('"users"', table.users, Object.keys(table.users ?? {}));
  const users = Object.keys(table.users);
  const services = users.filter((name) => !table.users[name].admin);
  for (const name of users) {
    if (!/^[a-z][a-z0-9-]*$/.test(name)) fail(`user name "${name}" must be lowercase letters, digits and dashes`);
    const user = table.users[name];
    checkKeys(`user "${name}"`, user, ['requests', 'objectStore', 'admin', 'subscribes']);
    if (user.admin !== undefined && user.admin !== true) fail(`user "${name}": "admin" must be true when present`);
    if (!user.admin) checkNames(`user "${name}".requests`, user.requests, services, false);
    if (user.objectStore !== undefined && typeof user.objectStore !== 'boolean') fail(`user "${name}": "objectStore" must be a boolean`);
    if (user.subscribes !== undefined) {
      if (!Array.isArray(user.subscribes)) fail(`user "${name}".subscribes must be an array`);
      // Only other services' core-NATS events (never their requests, nor a stream's subjects).
      for (const subject of user.subscribes) {
        const m = /^([a-z][a-z0-9-]*)\.v1\.events\.[a-z0-9_.*>-]+$/.exec(typeof subject === 'string' ? subject : '');
        if (!m || !services.includes(m[1])) fail(`user "${name}".subscribes: "${subject}" must be an events subject of a service ("<service>.v1.events.…")`);
      }
    }
  }
  checkKeys('"streams"', table.streams, Object.keys(table.streams ?? {}));
  for (const [stream, spec] of Object.entries(table.streams)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(stream)) fail(`stream name "${stream}" must be upper case`);
    checkKeys(`stream "${stream}"`, spec, ['subjects', 'publishers', 'consumers']);
    if (!Array.isArray(spec.subjects) || spec.subjects.length === 0) fail(`stream "${stream}" needs subjects`);
    checkNames(`stream "${stream}".publishers`, spec.publishers, services, true);
    checkNames(`stream "${stream}".consumers`, spec.consumers, services, true);
  }
  return { table, users, services };
}

// True when every subject matched by `inner` is also matched by `outer` (NATS wildcards * and >).
function covers(outer, inner) {
  const o = outer.split('.');
  const i = inner.split('.');
  for (let k = 0; k < o.length; k += 1) {
    if (o[k] === '>') return k < i.length;
    if (k >= i.length) return false;
    if (o[k] === '*') {
      if (i[k] === '>') return false;
      continue;
    }
    if (o[k] !== i[k]) return false;
  }
  return o.length === i.length;
}

const includes = (list, name) => list.includes('*') || list.includes(name);
const unique = (list) => [...new Set(list)];
// Drops subjects already matched by another subject of the list.
const pruneCovered = (list) =>
  unique(list).filter((subject, index, all) => !all.some((other, j) => j !== index && covers(other, subject)));

function expand({ table, services }, name) {
  const user = table.users[name];
  if (user.admin) return { publish: { allow: ['>'] }, subscribe: { allow: ['>'] } };
  const streams = Object.entries(table.streams);
  const streamSubjects = (filter) => streams.filter(filter).flatMap(([, spec]) => spec.subjects);

  const allow = pruneCovered([
    `${name}.v1.>`,
    ...user.requests.map((target) => `${target}.v1.>`),
    ...streamSubjects(([, spec]) => includes(spec.publishers, name)),
    ...(user.objectStore ? ['$O.>'] : []),
    ...JS_COMMON,
    inboxOf(name),
  ]);
  const mayPublish = streamSubjects(([, spec]) => includes(spec.publishers, name));
  const deny = [
    ...streamSubjects(([, spec]) => !includes(spec.publishers, name)),
    ...services
      .filter((other) => other !== name)
      .map((other) => `${other}.v1.events.>`)
      .filter((subject) => !mayPublish.some((allowed) => covers(allowed, subject))),
  ];
  for (const [stream, spec] of streams) {
    deny.push(...STREAM_ADMIN_VERBS.map((verb) => `$JS.API.STREAM.${verb}.${stream}`));
    deny.push(`$JS.API.STREAM.MSG.DELETE.${stream}`);
    if (!includes(spec.consumers, name)) {
      deny.push(
        `$JS.API.CONSUMER.CREATE.${stream}`,
        `$JS.API.CONSUMER.CREATE.${stream}.>`,
        `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.>`,
        `$JS.API.CONSUMER.DELETE.${stream}.>`,
        `$JS.API.CONSUMER.MSG.NEXT.${stream}.>`,
        `$JS.API.STREAM.MSG.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}`,
        `$JS.API.DIRECT.GET.${stream}.>`,
      );
    }
  }
  // A deny only matters where an allow would otherwise let the subject through.
  const effectiveDeny = unique(deny).filter((subject) => allow.some((allowed) => covers(allowed, subject)));
  return {
    publish: { allow, deny: effectiveDeny },
    subscribe: { allow: [`${name}.v1.>`, inboxOf(name), ...(user.subscribes ?? [])] },
    allow_responses: true,
  };
}

function requireEnv(name) {
  const value = process.env[name];
  if (!value) fail(`environment variable ${name} is required to render the configuration`);
  return value;
}

function renderConf(model) {
  const secretsDir = requireEnv('VIGIE_NATS_SECRETS_DIR');
  const q = (value) => JSON.stringify(value);
  const list = (values) => `[${values.map(q).join(', ')}]`;
  const lines = [
    '# Generated by scripts/stack/lib/render-nats-config.js from config/nats/permissions.json. Do not edit.',
    `listen: ${q(requireEnv('VIGIE_NATS_LISTEN'))}`,
    `http: ${q(requireEnv('VIGIE_NATS_HTTP'))}`,
    'server_name: "vigie-local"',
    `pid_file: ${q(requireEnv('VIGIE_NATS_PID_FILE'))}`,
    'jetstream {',
    `  store_dir: ${q(requireEnv('VIGIE_NATS_STORE_DIR'))}`,
    `  max_memory_store: ${requireEnv('VIGIE_NATS_MAX_MEMORY_STORE')}`,
    `  max_file_store: ${requireEnv('VIGIE_NATS_MAX_FILE_STORE')}`,
    '}',
    'authorization {',
    '  users: [',
  ];
  for (const name of model.users) {
    const file = path.join(secretsDir, `nats-${name}`);
    let password;
    try {
      password = fs.readFileSync(file, 'utf8').trim();
    } catch (error) {
      fail(`password of NATS user "${name}" missing: ${error.message}`);
    }
    if (!password) fail(`password file ${file} is empty`);
    const p = expand(model, name);
    const publish = p.publish.deny && p.publish.deny.length
      ? `{ allow: ${list(p.publish.allow)}, deny: ${list(p.publish.deny)} }`
      : `{ allow: ${list(p.publish.allow)} }`;
    lines.push(
      `    { user: ${q(name)}, password: ${q(password)}, permissions: {`,
      `        publish: ${publish}`,
      `        subscribe: { allow: ${list(p.subscribe.allow)} }`,
      ...(p.allow_responses ? ['        allow_responses: true'] : []),
      '    } }',
    );
  }
  lines.push('  ]', '}', '');
  return lines.join('\n');
}

function main() {
  const [command, file] = process.argv.slice(2);
  if (!['users', 'json', 'conf'].includes(command) || !file) {
    fail('usage: render-nats-config.js <users|json|conf> <permissions.json>');
  }
  const model = load(file);
  if (command === 'users') {
    process.stdout.write(`${model.users.join('\n')}\n`);
  } else if (command === 'json') {
    const out = Object.fromEntries(model.users.map((name) => [name, expand(model, name)]));
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else {
    process.stdout.write(renderConf(model));
  }
}

main();
