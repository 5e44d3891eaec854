import { METRICS, filesystemUsage, formatBytes, readMounts, realFilesystems } from '@vitals/core';
import type { Finding, HealthCheck, Snapshot } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { criticalRatio, gradeRatio, percent, worse } from '../severity.rules';

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

/** Real filesystems of the diagnosed process's mount table (core's policy), measured with statfs. */
function direct(ctx: CheckContext): FsFigures[] {
  const mounts = realFilesystems(readMounts({ procRoot: ctx.procRoot, pid: ctx.pid }));
  return mounts.flatMap((m) => {
    const usage = filesystemUsage(m.mountpoint, ctx.statfs);
    return usage ? [{ mountpoint: m.mountpoint, device: m.device, ...usage }] : [];
  });
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
