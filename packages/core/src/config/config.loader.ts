import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ZodType } from 'zod';
import { VitalsError, describeError } from '../errors';
import { escapeControl } from '../util/escape-control';
import { untrustedFolder } from '../util/trusted-folder';
import type { Thresholds, VitalsConfig } from './config.types';
import { describeIssue } from './config.issues';
import { DEFAULT_MAX_CONNECTIONS } from '../http/http.server';
import { isLoopbackHost } from '../http/loopback-host';
import { schemas, z } from './schemas';

/** Default thresholds of the design's table, shared by alert rules and diagnostics. */
export const DEFAULT_THRESHOLDS: Thresholds = Object.freeze({
  memoryUsedRatio: 0.8,
  swapUsedBytes: 500 * 1024 * 1024,
  cpuRatio: 0.9,
  diskUsedRatio: 0.85,
  openFds: 500,
  openFdsLimitRatio: 0.8,
  threads: 50,
  operationMs: 5000,
  eventLoopDelayP99Ms: 200,
});

const coreSchema = z.looseObject({
  plugins: z.array(z.string(), { error: 'must be a list of plugin package names' }).optional(),
  http: z
    .strictObject({
      port: schemas.port().default(9477),
      host: z.string().min(1).default('127.0.0.1'),
      token: schemas.token().optional(),
      maxBodyBytes: schemas.bytes(undefined, { max: '1G' }).default(1024 * 1024),
      maxConnections: schemas.count({ min: 1, max: 10_000 }).default(DEFAULT_MAX_CONNECTIONS),
    })
    .prefault({}),
  history: z
    .strictObject({
      /** Points kept per series of the metrics History watches (see History.watch). @default 900 */
      capacity: schemas.count({ min: 1, max: 1_000_000 }).default(900),
      /** Series kept at most; new ones past it are not recorded. @default 2000 */
      maxSeries: schemas.count({ min: 1, max: 1_000_000 }).default(2000),
    })
    .prefault({}),
  thresholds: z
    .strictObject({
      memoryUsedRatio: schemas.ratio().default(DEFAULT_THRESHOLDS.memoryUsedRatio),
      swapUsedBytes: schemas.bytes().default(DEFAULT_THRESHOLDS.swapUsedBytes),
      cpuRatio: schemas.ratio().default(DEFAULT_THRESHOLDS.cpuRatio),
      diskUsedRatio: schemas.ratio().default(DEFAULT_THRESHOLDS.diskUsedRatio),
      openFds: schemas.count({ min: 1, max: 1 << 30 }).default(DEFAULT_THRESHOLDS.openFds),
      openFdsLimitRatio: schemas.ratio().default(DEFAULT_THRESHOLDS.openFdsLimitRatio),
      threads: schemas.count({ min: 1, max: 1 << 22 }).default(DEFAULT_THRESHOLDS.threads),
      operationMs: schemas
        .duration(undefined, { min: '1ms', max: '1h' })
        .default(DEFAULT_THRESHOLDS.operationMs),
      eventLoopDelayP99Ms: schemas
        .duration(undefined, { min: '1ms', max: '1h' })
        .default(DEFAULT_THRESHOLDS.eventLoopDelayP99Ms),
    })
    .prefault({}),
  startTimeoutMs: schemas.duration(undefined, { min: '100ms', max: '1h' }).default(10_000),
  stopTimeoutMs: schemas.duration(undefined, { min: '100ms', max: '1h' }).default(5_000),
  log: z
    .strictObject({
      level: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
    })
    .prefault({}),
  requiredEnv: z.array(z.string()).default([]),
});

/**
 * The schema of the core sections (`plugins`, `http`, `history`, `thresholds`, timeouts, `log`,
 * `requiredEnv`); plugins' sections pass through to their own schemas. docs/configuration.md is
 * generated from it and the plugins' schemas (tools/docs/config-reference.js).
 */
export const coreConfigSchema = coreSchema;

/** Keys of the core sections (everything else is a plugin section). */
const CORE_KEYS = new Set(Object.keys(coreSchema.shape));

/** The core sections with every default applied. */
export const CORE_CONFIG_DEFAULTS: VitalsConfig = Object.freeze(
  coreSchema.parse({}),
) as VitalsConfig;

/** One thing wrong (or suspicious) in a configuration. */
export interface ConfigProblem {
  readonly severity: 'error' | 'warning';
  /** Dotted path, e.g. `monitor.intervalMs`. */
  readonly path: string;
  /** Where the value came from: the file name or the environment variable. */
  readonly source: string;
  /** The full one-line message, e.g. `vitals.config.json: monitor.intervalMs must be … (got "fast")`. */
  readonly message: string;
}

/** What `loadConfig` read. */
export interface LoadedConfig {
  /** Raw values: the file merged with `VITALS_*` overrides. */
  readonly values: Record<string, unknown>;
  /** The file read, if any. */
  readonly file?: string;
  /** Dotted paths set from the environment → the variable's name. */
  readonly envPaths: Readonly<Record<string, string>>;
}

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** A config file; when absent `vitals.config.json`, `.js` or `.cjs` is looked for in `cwd`. */
  readonly file?: string;
  /** @default process.cwd() (passed in by the CLI) */
  readonly cwd?: string;
  /** Environment to read `VITALS_*` overrides from (the CLI passes process.env). @default {} */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The user a found `.js` config must belong to (or root). @default process.geteuid() */
  readonly uid?: number;
}

const CANDIDATES = ['vitals.config.json', 'vitals.config.js', 'vitals.config.cjs'];

/**
 * Deepest nesting a config may have. Real ones are a few levels deep (`monitor.alerts.rules`);
 * a value nested thousands deep overflowed the stack in `structuredClone` and validation (a
 * RangeError, reported as a failure rather than bad input).
 */
export const MAX_CONFIG_DEPTH = 64;

/**
 * Whether `value` nests objects or arrays deeper than {@link MAX_CONFIG_DEPTH} (a cycle does).
 * Iterative; an object reached again no deeper than before is not walked again, so objects shared
 * in a `.js` config cost one walk each (at most MAX_CONFIG_DEPTH for one in a cycle).
 */
function tooDeep(value: unknown): boolean {
  const reached = new Map<object, number>();
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop() as [unknown, number];
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_CONFIG_DEPTH) return true;
    const before = reached.get(v);
    if (before !== undefined && before >= depth) continue;
    reached.set(v, depth);
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

const tooDeepText = `nested deeper than ${MAX_CONFIG_DEPTH} levels (or refers to itself); a configuration is a few levels deep`;

function readFile(file: string): Record<string, unknown> {
  const shown = path.basename(file);
  if (!fs.existsSync(file)) {
    throw new VitalsError('ERR_CONFIG_FILE', `${shown}: no such file (looked at ${file})`);
  }
  const unreadable = (error: unknown): VitalsError =>
    new VitalsError(
      'ERR_CONFIG_FILE',
      `${shown}: cannot be read (${escapeControl(describeError(error))})`,
      { cause: error },
    );
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (error) {
    throw unreadable(error);
  }
  // A folder (EISDIR), a pipe (a read waits for a writer for ever), a device (/dev/zero never ends).
  if (!stat.isFile()) {
    throw new VitalsError('ERR_CONFIG_FILE', `${shown}: not a regular file (looked at ${file})`);
  }
  let value: unknown;
  if (file.endsWith('.json')) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (error) {
      throw unreadable(error);
    }
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new VitalsError(
        'ERR_CONFIG_FILE',
        `${shown}: invalid JSON (${escapeControl(describeError(error))}); fix the syntax and try again`,
        { cause: error },
      );
    }
  } else if (/\.(c?js)$/.test(file)) {
    try {
      const mod = require(file);
      value = mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
    } catch (error) {
      throw new VitalsError(
        'ERR_CONFIG_FILE',
        `${shown}: failed to load (${escapeControl(describeError(error))})`,
        { cause: error },
      );
    }
  } else {
    throw new VitalsError(
      'ERR_CONFIG_FILE',
      `${shown}: unsupported config file type; use .json, .js or .cjs`,
    );
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new VitalsError('ERR_CONFIG_FILE', `${shown}: must hold an object at the top level`);
  }
  const notData = (error: unknown): VitalsError =>
    new VitalsError(
      'ERR_CONFIG_FILE',
      `${shown}: holds a value that is not plain data (${escapeControl(describeError(error))}); a configuration holds objects, arrays, strings, numbers and booleans`,
      { cause: error },
    );
  let deep: boolean;
  try {
    deep = tooDeep(value); // a .js module's getter may throw
  } catch (error) {
    throw notData(error);
  }
  if (deep) throw new VitalsError('ERR_CONFIG_FILE', `${shown}: ${tooDeepText}`);
  try {
    // A copy the CLI may change (VITALS_* overrides) without touching a .js module's export.
    return structuredClone(value as Record<string, unknown>);
  } catch (error) {
    throw notData(error);
  }
}

/**
 * A `.js`/`.cjs` config found in the current folder is code that runs as whoever runs `vitals`
 * (often root). Like git's `safe.directory`, it is refused when another user owns it (root's own
 * files are trusted), or when its group or others can write it, unless it was named explicitly
 * with `-c`/`--config` or `VITALS_CONFIG`. The file is checked without following a link, and a
 * link is refused too. JSON is data and is read as before.
 * @throws VitalsError `ERR_CONFIG_FILE` saying whose it is and how to use it anyway.
 */
function refuseForeignCode(file: string, uid: number): void {
  if (!/\.c?js$/.test(file)) return;
  const shown = path.basename(file);
  const st = fs.lstatSync(file);
  let why: string | undefined;
  if (st.isSymbolicLink()) why = 'is a symbolic link';
  else if (st.uid !== uid && st.uid !== 0)
    why = `is owned by uid ${st.uid}, not by you (uid ${uid})`;
  else if (st.mode & 0o022) why = 'can be written by other users';
  else {
    const folder = untrustedFolder(path.dirname(file), uid);
    // Whoever controls the folder could rename the checked file away and put their own in its
    // place between the check and the load.
    if (folder) why = `${folder}, who could replace it`;
  }
  if (why) {
    throw new VitalsError(
      'ERR_CONFIG_FILE',
      `${shown} in ${path.dirname(file)} ${why}; it is code and would run as you: name it with -c ${file} if you trust it`,
    );
  }
}

/**
 * `VITALS_*` variables that are not config overrides: `VITALS_CONFIG` names the file,
 * `VITALS_LOG_FORMAT` is the CLI's log format, and `VITALS_AGENT_*` (one underscore) is what
 * `vitals run` hands its child's agent, which a child that runs `vitals` itself inherits. Read as
 * config keys they would only warn that `logFormat` or `agentToken` is ignored.
 */
const NOT_CONFIG = /^VITALS_(CONFIG|LOG_FORMAT|AGENT_(?!_).*)$/;

const camel = (segment: string) =>
  segment.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

function parseEnvValue(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

/**
 * Reads the configuration: one file (JSON, or a JS module exporting an object) and `VITALS_*`
 * environment overrides, where `__` separates path segments and each segment is converted to
 * camelCase: `VITALS_MONITOR__INTERVAL_MS=500` sets `monitor.intervalMs`, `VITALS_HTTP__PORT=0`
 * sets `http.port`. Values are parsed as JSON when they can be (`500`, `true`, `["a"]`), else kept
 * as strings. `VITALS_CONFIG` names the file; `VITALS_LOG_FORMAT` and `VITALS_AGENT_*` are not
 * config (see NOT_CONFIG). A missing or broken file is a one-line
 * ERR_CONFIG_FILE. Validation happens in {@link validateConfig} (createHost calls it).
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? {};
  const explicit = options.file ?? env['VITALS_CONFIG'];
  let file: string | undefined;
  if (explicit) file = path.resolve(cwd, explicit);
  else {
    file = CANDIDATES.map((c) => path.join(cwd, c)).find((c) => fs.existsSync(c));
    if (file) refuseForeignCode(file, options.uid ?? process.geteuid?.() ?? 0);
  }
  const values: Record<string, unknown> = file ? readFile(file) : {};
  const envPaths: Record<string, string> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith('VITALS_') || NOT_CONFIG.test(name) || raw === undefined) continue;
    const segments = name.slice('VITALS_'.length).split('__').filter(Boolean).map(camel);
    if (segments.length === 0) continue;
    let target = values;
    for (const segment of segments.slice(0, -1)) {
      const next = target[segment];
      if (!next || typeof next !== 'object' || Array.isArray(next)) target[segment] = {};
      target = target[segment] as Record<string, unknown>;
    }
    const last = segments[segments.length - 1];
    target[last] =
      last === 'plugins' && !raw.trim().startsWith('[')
        ? raw
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : parseEnvValue(raw);
    if (tooDeep(target[last]))
      throw new VitalsError('ERR_CONFIG_INVALID', `${name}: ${tooDeepText}`);
    envPaths[segments.join('.')] = name;
  }
  return { values, file, envPaths };
}

/** A plugin section to validate: its key and schema. */
export interface SectionSpec {
  readonly name: string;
  readonly schema?: ZodType<unknown>;
  readonly defaults?: unknown;
}

/** Result of {@link validateConfig}. */
export interface ValidatedConfig {
  readonly config: VitalsConfig;
  /** Each plugin's validated section. */
  readonly sections: ReadonlyMap<string, unknown>;
  readonly problems: readonly ConfigProblem[];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Validates the core sections and each plugin's section (`{...defaults, ...values[name]}` against
 * its schema). Every problem is one line naming the source, the dotted path, what was expected and
 * what it got. Top-level keys that neither core nor a plugin owns are warnings.
 */
export function validateConfig(
  loaded: Pick<LoadedConfig, 'values'> & Partial<LoadedConfig>,
  sections: readonly SectionSpec[],
): ValidatedConfig {
  const fileLabel = loaded.file ? path.basename(loaded.file) : 'config';
  const envPaths = loaded.envPaths ?? {};
  const problems: ConfigProblem[] = [];
  const sourceOf = (dotted: string) => {
    for (const [p, name] of Object.entries(envPaths)) {
      if (dotted === p || dotted.startsWith(p + '.') || p.startsWith(dotted + '.')) return name;
    }
    return fileLabel;
  };
  const report = (severity: ConfigProblem['severity'], dotted: string, text: string) => {
    const source = sourceOf(dotted);
    problems.push({ severity, path: dotted, source, message: `${source}: ${text}` });
  };
  const check = <T>(schema: ZodType<T>, value: unknown, prefix: string[]): T | undefined => {
    const result = schema.safeParse(value, { reportInput: true });
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const { path: dotted, text } = describeIssue(issue, prefix);
      report('error', dotted, text);
    }
    return undefined;
  };

  const core = check(coreSchema, loaded.values, []);
  // What the HTTP server refuses at start, refused here too (so `config check` agrees).
  if (core && !core.http.token && !isLoopbackHost(core.http.host)) {
    report(
      'error',
      'http.host',
      `http.host ${JSON.stringify(core.http.host)} is reachable from other machines: set http.token or bind to 127.0.0.1`,
    );
  }
  const validated = new Map<string, unknown>();
  for (const section of sections) {
    const raw = loaded.values[section.name];
    if (raw !== undefined && (typeof raw !== 'object' || raw === null || Array.isArray(raw))) {
      report(
        'error',
        section.name,
        `${section.name} must be an object (got ${JSON.stringify(raw)})`,
      );
      continue;
    }
    const merged = { ...((section.defaults as object) ?? {}), ...((raw as object) ?? {}) };
    validated.set(
      section.name,
      section.schema ? check(section.schema, merged, [section.name]) : merged,
    );
  }
  const owned = new Set([...CORE_KEYS, ...sections.map((s) => s.name)]);
  for (const key of Object.keys(loaded.values)) {
    if (!owned.has(key)) {
      report(
        'warning',
        key,
        `${key} matches no installed plugin and no core setting; it is ignored (check the spelling or install the plugin)`,
      );
    }
  }
  const config = deepFreeze({
    ...(core ?? CORE_CONFIG_DEFAULTS),
    ...Object.fromEntries(validated),
  });
  return { config: config as VitalsConfig, sections: validated, problems };
}

/** Throws one ERR_CONFIG_INVALID listing every error line, when there is any. */
export function assertValid(result: ValidatedConfig): void {
  const errors = result.problems.filter((p) => p.severity === 'error');
  if (errors.length > 0) {
    throw new VitalsError('ERR_CONFIG_INVALID', errors.map((e) => e.message).join('\n'));
  }
}
