import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { procPidDir, readPseudoFile } from './procfs';

/**
 * Memory and CPU limits of the cgroup a process runs in (the container's or systemd unit's
 * budget). A field is `undefined` when there is no limit ('max', -1, ≥ 2^60) or it cannot be read
 * (missing file, `EACCES`); callers then compare against the host's totals.
 */
export interface CgroupLimits {
  /** 2 for the unified hierarchy, 1 for v1 (also v1 "hybrid" with a `unified` mount). */
  version: 1 | 2 | undefined;
  /** Effective memory limit: the smallest across the cgroup and its ancestors. */
  memoryLimitBytes?: number;
  /** Current memory charge of the process's own cgroup (includes page cache). */
  memoryUsageBytes?: number;
  /**
   * Usage minus the inactive file cache the kernel reclaims under pressure (`inactive_file` in
   * memory.stat; v1 `total_inactive_file`): what the OOM killer and `kubectl top` count. Compare
   * this, not `memoryUsageBytes`, with the limit.
   */
  memoryWorkingSetBytes?: number;
  /** Swap limit: v2 `memory.swap.max`; v1 `memsw.limit_in_bytes − limit_in_bytes`. */
  swapLimitBytes?: number;
  /** Effective CPU quota in cores (quota / period, smallest across ancestors). */
  cpuLimitCores?: number;
  /**
   * CFS enforcement periods elapsed (`nr_periods` of `cpu.stat`) in the cgroup that sets the
   * effective quota (the leaf when none does). A counter since the cgroup was created.
   */
  cpuPeriods?: number;
  /** Periods in which the cgroup was throttled, having used its quota (`nr_throttled`). */
  cpuThrottledPeriods?: number;
  /**
   * Total time throttled, seconds (v1 `throttled_time` in ns, v2 `throttled_usec` in µs). A counter.
   */
  cpuThrottledSeconds?: number;
  /** The cgroup path from `/proc/<pid>/cgroup` (v1: the memory controller's). */
  path?: string;
  /** v1: the cpu controller's path (it may differ from the memory controller's). */
  cpuPath?: string;
}

/** Where to look: fake trees in tests and diagnostics. */
export interface ReadCgroupOptions {
  /** @default '/sys/fs/cgroup' */
  cgroupRoot?: string;
  /** @default '/proc' */
  procRoot?: string;
  /** @default 'self' */
  pid?: number | 'self';
}

/** v1 reports "no limit" as LONG_MAX rounded down to a page (9223372036854771712). */
const V1_UNLIMITED = 2 ** 60;

/** Trimmed text of a cgroup file, or `undefined` when missing or unreadable. */
const readText = (path: string): string | undefined => readPseudoFile(path)?.trim();

/** A byte count, or `undefined` for 'max', garbage or the v1 "unlimited" sentinel. */
function readLimit(path: string): number | undefined {
  const n = Number(readText(path) ?? NaN);
  return Number.isFinite(n) && n >= 0 && n < V1_UNLIMITED ? n : undefined;
}

/**
 * The cgroup's directory under a controller mount, and its ancestors up to the mount, leaf first.
 * Without a cgroup namespace the path names the host's hierarchy (`/docker/<id>`) while the
 * container's mount is that cgroup itself, so leading segments are dropped until a directory
 * exists (at worst the mount root).
 */
function chain(mount: string, cgroupPath: string): string[] {
  // The kernel never writes `.` or `..` here, but a path must never lead out of the mount.
  const segs = cgroupPath.split('/').filter((seg) => seg !== '' && seg !== '.' && seg !== '..');
  let start = 0;
  while (start < segs.length && !existsSync(join(mount, ...segs.slice(start)))) start++;
  const rel = segs.slice(start);
  const dirs: string[] = [];
  for (let i = rel.length; i >= 0; i--) dirs.push(join(mount, ...rel.slice(0, i)));
  return dirs;
}

/** Minimum over the chain of a per-directory limit. */
function effective(dirs: string[], read: (dir: string) => number | undefined): number | undefined {
  return effectiveAt(dirs, read).value;
}

/** Minimum over the chain of a per-directory limit, and the directory that sets it. */
function effectiveAt(
  dirs: string[],
  read: (dir: string) => number | undefined,
): { value: number | undefined; dir: string | undefined } {
  let value: number | undefined;
  let at: string | undefined;
  for (const dir of dirs) {
    const v = read(dir);
    if (v !== undefined && (value === undefined || v < value)) {
      value = v;
      at = dir;
    }
  }
  return { value, dir: at };
}

/** A positive finite number of a text, or undefined (garbage, 'max', 0, negatives). */
function positive(text: string | undefined): number | undefined {
  const n = Number(text);
  return text !== undefined && text !== '' && Number.isFinite(n) && n > 0 ? n : undefined;
}

/** A field of a cgroup `memory.stat` file, or undefined. */
function memoryStat(dir: string, field: string): number | undefined {
  const text = readText(join(dir, 'memory.stat'));
  const match = text === undefined ? null : new RegExp(`^${field} (\\d+)$`, 'm').exec(text);
  const n = match ? Number(match[1]) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** Throttling counters of a `cpu.stat` file: `{}` when missing or malformed. */
function cpuStat(
  dir: string,
  timeField: 'throttled_time' | 'throttled_usec',
): Pick<CgroupLimits, 'cpuPeriods' | 'cpuThrottledPeriods' | 'cpuThrottledSeconds'> {
  const text = readText(join(dir, 'cpu.stat'));
  if (text === undefined) return {};
  const field = (name: string): number | undefined => {
    const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
    const n = m ? Number(m[1]) : NaN;
    return Number.isSafeInteger(n) ? n : undefined;
  };
  const time = field(timeField);
  const out: Pick<CgroupLimits, 'cpuPeriods' | 'cpuThrottledPeriods' | 'cpuThrottledSeconds'> = {};
  const periods = field('nr_periods');
  const throttled = field('nr_throttled');
  if (periods !== undefined) out.cpuPeriods = periods;
  if (throttled !== undefined) out.cpuThrottledPeriods = throttled;
  if (time !== undefined)
    out.cpuThrottledSeconds = time / (timeField === 'throttled_time' ? 1e9 : 1e6);
  return out;
}

/** usage − inactive file cache, floored at 0 (cAdvisor's container_memory_working_set_bytes). */
function workingSet(
  usage: number | undefined,
  inactiveFile: number | undefined,
): number | undefined {
  if (usage === undefined) return undefined;
  return Math.max(0, usage - (inactiveFile ?? 0));
}

function readV2(mount: string, path: string): CgroupLimits {
  const dirs = chain(mount, path);
  const cpu = (dir: string): number | undefined => {
    const [quota, period = '100000'] = (readText(join(dir, 'cpu.max')) ?? 'max').split(' ');
    const q = positive(quota);
    const p = positive(period);
    return q !== undefined && p !== undefined ? q / p : undefined;
  };
  const usage = readLimit(join(dirs[0], 'memory.current'));
  const quota = effectiveAt(dirs, cpu);
  return {
    version: 2,
    path,
    memoryLimitBytes: effective(dirs, (d) => readLimit(join(d, 'memory.max'))),
    memoryUsageBytes: usage,
    memoryWorkingSetBytes: workingSet(usage, memoryStat(dirs[0], 'inactive_file')),
    swapLimitBytes: effective(dirs, (d) => readLimit(join(d, 'memory.swap.max'))),
    cpuLimitCores: quota.value,
    ...cpuStat(quota.dir ?? dirs[0], 'throttled_usec'),
  };
}

function readV1(
  root: string,
  memPath: string | undefined,
  cpuPath: string | undefined,
): CgroupLimits {
  const out: CgroupLimits = { version: 1, path: memPath ?? cpuPath };
  if (memPath !== undefined) {
    const dirs = chain(join(root, 'memory'), memPath);
    out.memoryLimitBytes = effective(dirs, (d) => readLimit(join(d, 'memory.limit_in_bytes')));
    out.memoryUsageBytes = readLimit(join(dirs[0], 'memory.usage_in_bytes'));
    out.memoryWorkingSetBytes = workingSet(
      out.memoryUsageBytes,
      memoryStat(dirs[0], 'total_inactive_file'),
    );
    const memsw = effective(dirs, (d) => readLimit(join(d, 'memory.memsw.limit_in_bytes')));
    if (memsw !== undefined && out.memoryLimitBytes !== undefined) {
      out.swapLimitBytes = Math.max(0, memsw - out.memoryLimitBytes);
    }
  }
  // `cpu` is its own mount here, `cpu,cpuacct` (with a `cpu` symlink) on most distributions.
  const cpuMount = ['cpu', 'cpu,cpuacct', 'cpuacct,cpu']
    .map((m) => join(root, m))
    .find((m) => existsSync(m));
  if (cpuPath !== undefined && cpuMount !== undefined) {
    out.cpuPath = cpuPath;
    const dirs = chain(cpuMount, cpuPath);
    const quota = effectiveAt(dirs, (d) => {
      const q = positive(readText(join(d, 'cpu.cfs_quota_us')));
      const p = positive(readText(join(d, 'cpu.cfs_period_us')) ?? '100000');
      return q !== undefined && p !== undefined ? q / p : undefined;
    });
    out.cpuLimitCores = quota.value;
    Object.assign(out, cpuStat(quota.dir ?? dirs[0], 'throttled_time'));
  }
  return out;
}

/**
 * Reads the memory and CPU limits of a process's cgroup (v2, v1, or v1 hybrid with a `unified`
 * mount, where the v1 controllers hold the limits). Limits are the smallest along the path up to
 * the mount, so a limit set on a parent cgroup is found. Never throws for a missing or
 * unreadable tree: `{ version: undefined }` off Linux or for a vanished pid.
 * @example
 * const { memoryLimitBytes } = readCgroupLimits();
 * const limit = memoryLimitBytes ?? readMeminfo().MemTotal;
 */
export function readCgroupLimits(options: ReadCgroupOptions = {}): CgroupLimits {
  const { cgroupRoot = '/sys/fs/cgroup', procRoot = '/proc', pid = 'self' } = options;
  const text = readText(join(procPidDir(pid, procRoot), 'cgroup'));
  if (text === undefined) return { version: undefined };
  let v2Path: string | undefined;
  let memPath: string | undefined;
  let cpuPath: string | undefined;
  for (const line of text.split('\n')) {
    // `hierarchy-ID:controller-list:path`; the path itself may contain ':'.
    const first = line.indexOf(':');
    const second = line.indexOf(':', first + 1);
    if (first < 0 || second < 0) continue;
    const controllers = line.slice(first + 1, second).split(',');
    const path = line.slice(second + 1);
    if (line.slice(0, first) === '0' && controllers[0] === '') v2Path = path;
    if (controllers.includes('memory')) memPath = path;
    if (controllers.includes('cpu')) cpuPath = path;
  }
  if (memPath !== undefined || cpuPath !== undefined) return readV1(cgroupRoot, memPath, cpuPath);
  if (v2Path === undefined) return { version: undefined };
  // Pure v2 mounts the hierarchy at the root; hybrid puts it under `unified`.
  const mount = existsSync(join(cgroupRoot, 'cgroup.controllers'))
    ? cgroupRoot
    : join(cgroupRoot, 'unified');
  return readV2(mount, v2Path);
}
