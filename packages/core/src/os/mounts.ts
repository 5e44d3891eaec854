import { readFileSync, statfsSync } from 'node:fs';
import { join } from 'node:path';

/** One line of a mount table. */
export interface Mount {
  readonly device: string;
  readonly mountpoint: string;
  readonly fstype: string;
  readonly options: readonly string[];
  readonly readOnly: boolean;
}

/** Space and inodes of one filesystem, as `df` counts them. */
export interface FilesystemUsage {
  readonly sizeBytes: number;
  readonly availBytes: number;
  /** used / (used + available): root's reserved blocks count as unavailable, as in `df`. */
  readonly usedRatio: number;
  readonly files: number;
  readonly filesFree: number;
}

/**
 * Pseudo and memory-backed filesystem types that never hold a service's data. `overlay` is in the
 * list but kept when mounted at `/`: that is a container's root filesystem.
 */
export const PSEUDO_FS_TYPES: ReadonlySet<string> = new Set([
  'autofs', 'binfmt_misc', 'bpf', 'cgroup', 'cgroup2', 'configfs', 'debugfs', 'devpts',
  'devtmpfs', 'efivarfs', 'erofs', 'fuse.lxcfs', 'fusectl', 'hugetlbfs', 'iso9660', 'mqueue',
  'nfsd', 'nsfs', 'overlay', 'proc', 'procfs', 'pstore', 'ramfs', 'rpc_pipefs', 'securityfs',
  'selinuxfs', 'squashfs', 'sysfs', 'tmpfs', 'tracefs',
]); // prettier-ignore

/** Mount points node_exporter skips by default: kernel and runtime internals, container layers. */
const INTERNAL_MOUNTS =
  /^\/(dev|proc|sys|run\/credentials\/.+|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;

/** `/proc/mounts` escapes space, tab, newline and backslash as octal (`\040`). */
const unescape = (s: string): string =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/**
 * The mount table of a process (default this one) from `<procRoot>/<pid>/mounts`; `[]` where
 * there is no /proc.
 */
export function readMounts(options: { procRoot?: string; pid?: number | 'self' } = {}): Mount[] {
  let text: string;
  try {
    text = readFileSync(
      join(options.procRoot ?? '/proc', String(options.pid ?? 'self'), 'mounts'),
      'utf8',
    );
  } catch {
    return [];
  }
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const [device, mountpoint, fstype, opts = ''] = line.split(' ');
    if (!mountpoint || !fstype) continue;
    const list = opts.split(',');
    mounts.push({
      device: unescape(device),
      mountpoint: unescape(mountpoint),
      fstype,
      options: list,
      readOnly: list.includes('ro'),
    });
  }
  return mounts;
}

/** Which mounts count as real filesystems. */
export interface RealFilesystemOptions {
  /** Pseudo types to keep anyway (e.g. `tmpfs`). @default [] */
  readonly includeFsTypes?: readonly string[];
  /** Mount points never reported. @default [] */
  readonly excludeMountpoints?: readonly string[];
  /** Keep read-only mounts (they cannot fill up). @default false */
  readonly includeReadOnly?: boolean;
}

/**
 * The filesystems worth watching: no pseudo filesystems (unless included), overlay only as a
 * container's root, no read-only mounts, no kernel or container-runtime internals (/dev, /proc,
 * /sys, /var/lib/docker/…, as node_exporter skips them), and each block device once (bind mounts such as Docker's
 * /etc/hosts repeat it), at its first mount point.
 */
export function realFilesystems(
  mounts: readonly Mount[],
  options: RealFilesystemOptions = {},
): Mount[] {
  const include = new Set(options.includeFsTypes ?? []);
  const exclude = new Set(options.excludeMountpoints ?? []);
  const seen = new Set<string>();
  return mounts.filter((m) => {
    const pseudo = PSEUDO_FS_TYPES.has(m.fstype) && !include.has(m.fstype);
    if (pseudo && !(m.fstype === 'overlay' && m.mountpoint === '/')) return false;
    if (m.readOnly && !options.includeReadOnly) return false;
    if (exclude.has(m.mountpoint)) return false;
    if (INTERNAL_MOUNTS.test(m.mountpoint) && !include.has(m.fstype)) return false;
    const key = m.device.startsWith('/dev/') ? m.device : m.mountpoint;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * statfs of a mount point in `df`'s terms; undefined when it cannot be read (stale NFS, EACCES) or
 * the answer is not a set of finite, non-negative counts.
 */
export function filesystemUsage(
  mountpoint: string,
  statfs: (path: string) => {
    bsize: number;
    blocks: number;
    bfree: number;
    bavail: number;
    files: number;
    ffree: number;
  } = statfsSync,
): FilesystemUsage | undefined {
  let st;
  try {
    st = statfs(mountpoint);
  } catch {
    return undefined;
  }
  const figures = [st.bsize, st.blocks, st.bfree, st.bavail, st.files, st.ffree];
  if (!(st.blocks > 0) || !figures.every((n) => Number.isFinite(n) && n >= 0)) return undefined;
  const used = st.blocks - st.bfree;
  return {
    sizeBytes: st.blocks * st.bsize,
    availBytes: st.bavail * st.bsize,
    usedRatio: used + st.bavail > 0 ? used / (used + st.bavail) : 0,
    files: st.files,
    filesFree: st.ffree,
  };
}
