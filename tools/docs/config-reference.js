#!/usr/bin/env node
// Writes docs/configuration.md from the config schemas (core's and each plugin's zod schema, via
// zod's JSON Schema export) and the TSDoc comments above each key in the schema's source file.
//   node tools/docs/config-reference.js          write docs/configuration.md
//   node tools/docs/config-reference.js --check  exit 1 when the file is not current
// Runs against the built packages (npm run build first); the tools spec runs it against sources.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const OUTPUT = path.join(ROOT, 'docs/configuration.md');

/** Sections: config key, package, exported schema, source file whose comments describe keys. */
const SECTIONS = [
  ['(top level)', 'core', 'coreConfigSchema', ['packages/core/src/config/config.types.ts']],
  ['monitor', 'monitor', 'monitorConfigSchema', 'packages/monitor/src/monitor.options.ts'],
  [
    'memory',
    'memory',
    'memoryConfigSchema',
    ['packages/memory/src/memory.options.ts', 'packages/memory/src/leak/leak.detector.ts'],
  ],
  [
    'diagnostics',
    'diagnostics',
    'diagnosticsConfigSchema',
    'packages/diagnostics/src/diagnostics.options.ts',
  ],
  ['process', 'process', 'processConfigSchema', 'packages/process/src/process.options.ts'],
  [
    'prometheus',
    'prometheus',
    'prometheusConfigSchema',
    'packages/prometheus/src/prometheus.plugin.ts',
  ],
  ['startup', 'startup', 'startupConfigSchema', 'packages/startup/src/startup.options.ts'],
  [
    'dashboard',
    'dashboard',
    'dashboardConfigSchema',
    'packages/dashboard/src/dashboard.options.ts',
  ],
];

/** A TSDoc comment's text without `*` margins, tags and `@default`; `|` escaped for tables. */
function clean(comment) {
  return comment
    .replace(/^\/\*\*|\*\/$/g, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trim())
    .filter((l) => l && !l.startsWith('@'))
    .join(' ')
    .replace(/\s*@default\b.*$/, '')
    .trim()
    .replace(/\|/g, '\\|');
}

/**
 * The `@default` of a TSDoc comment as the table shows it: a literal (`5000`, `'1m'`, `[]`) in
 * backticks, prose (`the host process`) as is; undefined without one.
 */
function defaultOf(comment) {
  const m = /@default\s+((?:(?!\*\/)[^\n])*)/.exec(comment);
  const text = m?.[1].replace(/\*\/$/, '').trim();
  if (!text || /^undefined\b/.test(text)) return undefined;
  const literal = /^(`[^`]*`|-?[\d.]+|true|false|'[^']*'|"[^"]*"|\[.*\]|\{.*\})$/.test(text);
  // '1m' → "1m", as the schema defaults are shown (JSON).
  const shown = text.replace(/^`|`$/g, '').replace(/^'([^']*)'$/, '"$1"');
  return (literal ? `\`${shown}\`` : text).replace(/\|/g, '\\|');
}

/**
 * Every TSDoc comment above a property (`key:` in an object literal, or in an interface or type)
 * with the path of property names it sits under: `alerts.webhook.url` in monitor.options.ts. Read
 * with the TypeScript parser, so a key is described by its own comment and never by another
 * object's key of the same name (the Alertmanager's `url` for the webhook's).
 */
function comments(files) {
  const ts = require('typescript');
  const out = [];
  for (const file of [].concat(files)) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const visit = (node, trail) => {
      let next = trail;
      if (
        (ts.isPropertyAssignment(node) || ts.isPropertySignature(node)) &&
        (ts.isIdentifier(node.name) || ts.isStringLiteral(node.name))
      ) {
        next = [...trail, node.name.text];
        const ranges = ts.getLeadingCommentRanges(text, node.getFullStart()) ?? [];
        const doc = ranges
          .map((r) => text.slice(r.pos, r.end))
          .filter((c) => c.startsWith('/**'))
          .pop();
        const body = doc ? clean(doc) : '';
        const def = doc ? defaultOf(doc) : undefined;
        if (body || def) out.push({ path: next, body, def });
      }
      ts.forEachChild(node, (child) => visit(child, next));
    };
    visit(source, []);
  }
  return out;
}

/**
 * What the comments say of config path `keys` (inside its section): `body` and `def` each from
 * the comment whose property path ends the config path, the longest such that has one (an exact
 * match before a bare key name, which a schema split into separate constants or interfaces gives).
 */
function describe(docs, keys) {
  const found = {};
  const length = {};
  for (const doc of docs) {
    const n = doc.path.length;
    if (n > keys.length || !doc.path.every((k, i) => k === keys[keys.length - n + i])) continue;
    for (const field of ['body', 'def'])
      if (doc[field] && !(length[field] >= n)) {
        found[field] = doc[field];
        length[field] = n;
      }
  }
  return found;
}

function typeOf(key, s) {
  if (s.enum) return s.enum.map((v) => `\`${v}\``).join(' \\| ');
  const types = [].concat(s.type ?? s.anyOf?.map((a) => a.type) ?? 'any').filter(Boolean);
  if (types.includes('string') && types.includes('number')) {
    if (/Ms$/.test(key)) return 'duration';
    if (/(Bytes|Size|Heap|Memory)$/i.test(key)) return 'size';
    return 'number \\| string';
  }
  if (types.includes('array')) return `${s.items?.type ?? 'any'}[]`;
  const t = types.join(' \\| ');
  if (t === 'number' && s.minimum === 0 && s.maximum === 1) return 'ratio 0–1';
  return t;
}

function show(value) {
  if (value === undefined) return '—';
  return `\`${JSON.stringify(value)}\``;
}

/**
 * Rows of one (nested) object schema; `defaults` is what the schema makes of `{}`, `keys` the
 * path inside the section.
 */
function rows(prefix, schema, defaults, docs, out, keys = []) {
  for (const [key, s] of Object.entries(schema.properties ?? {})) {
    const name = prefix ? `${prefix}.${key}` : key;
    const value = defaults?.[key];
    if (s.type === 'object' && s.properties) {
      rows(name, s, value, docs, out, [...keys, key]);
      continue;
    }
    // The parsed default (durations in ms, sizes in bytes); the schema's own when parsing drops it;
    // the comment's @default under an optional object (whose `{}` parses to nothing).
    const doc = describe(docs, [...keys, key]);
    const shown =
      value !== undefined || s.default !== undefined
        ? show(value !== undefined ? value : s.default)
        : (doc.def ?? '—');
    out.push(`| \`${name}\` | ${typeOf(key, s)} | ${shown} | ${doc.body ?? ''} |`);
  }
}

/** The whole reference, as markdown. */
function render() {
  const { z } = require('@vitals/core');
  const parts = [
    '# Configuration reference',
    '',
    '<!-- Generated by tools/docs/config-reference.js from the config schemas; do not edit. -->',
    '',
    'One file, `vitals.config.json` (or `.js`/`.cjs` exporting an object; `--config FILE` or',
    '`VITALS_CONFIG`). Each plugin validates its own section. Environment overrides: `VITALS_` +',
    'path segments joined by `__` in SCREAMING_SNAKE (`VITALS_MONITOR__INTERVAL_MS=500`).',
    'Durations take milliseconds or strings (`"30s"`, `"5m"`); sizes take bytes or strings',
    '(`"512M"`, `"1G"`). Options given in code (`monitorPlugin({...})`) are overridden key by key',
    'by the file.',
    '',
  ];
  for (const [section, pkg, exportName, source] of SECTIONS) {
    const schema = require(`@vitals/${pkg}`)[exportName];
    if (!schema) throw new Error(`@vitals/${pkg} exports no ${exportName}`);
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
    const out = [];
    const defaults = schema.parse({});
    rows(section === '(top level)' ? '' : section, json, defaults, comments(source), out);
    parts.push(
      `## ${section === '(top level)' ? 'Core (top level)' : `\`${section}\` (@vitals/${pkg})`}`,
      '',
      '| key | type | default | meaning |',
      '| --- | --- | --- | --- |',
      ...out,
      '',
    );
  }
  return parts.join('\n');
}

module.exports = { render, OUTPUT };

if (require.main === module) {
  const text = render();
  if (process.argv.includes('--check')) {
    const current = fs.existsSync(OUTPUT) ? fs.readFileSync(OUTPUT, 'utf8') : '';
    if (current !== text) {
      console.error(
        'docs/configuration.md is not current: run node tools/docs/config-reference.js',
      );
      process.exitCode = 1;
    }
  } else {
    fs.mkdirSync(path.dirname(OUTPUT), { recursive: true });
    fs.writeFileSync(OUTPUT, text);
    console.log(`wrote ${path.relative(ROOT, OUTPUT)}`);
  }
}
