import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, formatBytes } from '@vitals/core';
import type { Finding, HealthCheck, Snapshot } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { criticalRatio, gradeRatio, percent, worse } from '../severity.rules';

/** Pseudo and read-only image filesystems, skipped as node_exporter skips them (squashfs is always full). */
const PSEUDO_FS = new Set(
  'autofs binfmt_misc bpf cgroup cgroup2 configfs debugfs devpts devtmpfs fusectl hugetlbfs iso9660 mqueue nsfs proc procfs pstore rpc_pipefs securityfs selinuxfs squashfs erofs sysfs tracefs ramfs nfsd'.split(
    ' ',
  ),
);

/** Mount points node_exporter skips by default: kernel and runtime internals, container layers. */
const SKIPPED_MOUNTS =
  /^\/(dev|proc|run\/credentials\/.+|sys|var\/lib\/docker\/.+|var\/lib\/containers\/storage\/.+)($|\/)/;

/** One filesystem's figures. */
interface FsFigures {
  mountpoint: string;
  device: string;
  sizeBytes: number;
  availBytes: number;
  usedRatio: number;
  files?: number;
  filesFree?: number;
}

/** Filesystems from monitor's `node_filesystem_*` samples, keyed by mountpoint. */
function fromSnapshot(snapshot: Snapshot): FsFigures[] {
  return snapshot.samples(METRICS.fsSizeBytes).flatMap((s) => {
    const labels = s.labels ?? {};
    const avail = snapshot.value(METRICS.fsAvailBytes, { mountpoint: labels.mountpoint ?? '' });
    if (!labels.mountpoint || avail === undefined || s.value <= 0) return [];
    return [
      {
        mountpoint: labels.mountpoint,
        device: labels.device ?? '',
        sizeBytes: s.value,
        availBytes: avail,
        usedRatio:
          snapshot.value(METRICS.fsUsedRatio, { mountpoint: labels.mountpoint }) ??
          1 - avail / s.value,
        files: snapshot.value(METRICS.fsFiles, { mountpoint: labels.mountpoint }),
        filesFree: snapshot.value(METRICS.fsFilesFree, { mountpoint: labels.mountpoint }),
      },
    ];
  });
}

/** `\040` and friends in /proc/mounts are octal escapes. */
const unescape = (s: string) =>
  s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));

/** Real filesystems of `/proc/<pid>/mounts`, one per device, measured with statfs. */
function direct(ctx: CheckContext): FsFigures[] {
  let text: string;
  try {
    text = readFileSync(join(ctx.procRoot, String(ctx.pid), 'mounts'), 'utf8');
  } catch {
    return [];
  }
  const seen = new Set<string>();
  const out: FsFigures[] = [];
  for (const line of text.split('\n')) {
    const [device, rawMount, fstype, mountOptions = ''] = line.split(' ');
    if (!rawMount || PSEUDO_FS.has(fstype)) continue;
    // A read-only filesystem cannot fill up: nothing to act on.
    if (mountOptions.split(',').includes('ro')) continue;
    const mountpoint = unescape(rawMount);
    if (SKIPPED_MOUNTS.test(mountpoint)) continue;
    // Bind mounts of one block device repeat it (Docker's /etc/hosts): keep the first.
    const key = device.startsWith('/dev/') ? device : mountpoint;
    if (seen.has(key)) continue;
    seen.add(key);
    let st;
    try {
      st = ctx.statfs(mountpoint);
    } catch {
      continue; // unreachable mount (stale NFS, no permission): nothing to report on
    }
    if (st.blocks <= 0) continue;
    const used = st.blocks - st.bfree;
    // df's formula: root's reserved blocks count as unavailable, not as free.
    const usedRatio = used + st.bavail > 0 ? used / (used + st.bavail) : 0;
    out.push({
      mountpoint,
      device,
      sizeBytes: st.blocks * st.bsize,
      availBytes: st.bavail * st.bsize,
      usedRatio,
      files: st.files,
      filesFree: st.ffree,
    });
  }
  return out;
}

/**
 * `disk`: space and inodes used per filesystem, each graded with `thresholds.diskUsedRatio`
 * (the worse of the two). Reads monitor's `node_filesystem_*` when present, else the mounts of the
 * diagnosed process and `fs.statfsSync`. One finding per filesystem.
 * @example diskCheck(ctx).run(snapshot)
 */
export function diskCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'disk', area: 'disk' };
  return {
    ...check,
    run(snapshot) {
      const list = snapshot.has(METRICS.fsSizeBytes) ? fromSnapshot(snapshot) : direct(ctx);
      if (list.length === 0) return [finding(check, 'info', 'no filesystems found to measure')];
      const t = ctx.thresholds.diskUsedRatio;
      return list.map((fs): Finding => {
        const inodes = fs.files ? 1 - (fs.filesFree ?? 0) / fs.files : undefined;
        const bySpace = gradeRatio(fs.usedRatio, t);
        const byInodes = inodes !== undefined ? gradeRatio(inodes, t) : 'ok';
        const severity = worse(bySpace, byInodes);
        const inodesWorse = severity !== bySpace;
        const inodeText = inodes !== undefined ? `, inodes ${percent(inodes)} used` : '';
        return finding(
          check,
          severity,
          `${fs.mountpoint}: ${percent(fs.usedRatio)} used, ${formatBytes(fs.availBytes)} free of ${formatBytes(fs.sizeBytes)}${inodeText}`,
          {
            figure: `${inodesWorse ? `inodes ${percent(inodes ?? 0)}` : `space ${percent(fs.usedRatio)}`} used; warning ≥ ${percent(t)}, critical ≥ ${percent(criticalRatio(t))} (space or inodes)`,
            recommendation: inodesWorse
              ? `${fs.mountpoint} runs out of inodes: remove many small files (caches, sessions, temp files)`
              : `free space on ${fs.mountpoint}: rotate and compress logs, clear caches and old heap snapshots, or grow the volume`,
            data: { ...fs, inodesUsedRatio: inodes },
          },
        );
      });
    },
  };
}
