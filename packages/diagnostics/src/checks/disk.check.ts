import { readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { METRICS, filesystemUsage, formatBytes, readMounts, realFilesystems } from '@vitals/core';
import type { Finding, HealthCheck, Snapshot } from '@vitals/core';
import { finding } from '../check.context';
import type { CheckContext } from '../check.context';
import { MACHINE } from '../process.subject';
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

/**
 * Filesystems from monitor's `node_filesystem_*` samples, keyed by mountpoint. Read-only ones
 * (`node_filesystem_readonly` 1, which monitor reports as node_exporter does) are left out, as
 * {@link direct} leaves them out: they cannot fill up.
 */
function fromSnapshot(snapshot: Snapshot): FsFigures[] {
  return snapshot.samples(METRICS.fsSizeBytes).flatMap((s) => {
    const labels = s.labels ?? {};
    const avail = snapshot.value(METRICS.fsAvailBytes, { mountpoint: labels.mountpoint ?? '' });
    if (!labels.mountpoint || avail === undefined || s.value <= 0) return [];
    if (snapshot.value('node_filesystem_readonly', { mountpoint: labels.mountpoint }) === 1) {
      return [];
    }
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

/** The mount namespace link of a process (`mnt:[4026531840]`), or undefined when unreadable. */
function mountNamespace(procRoot: string, pid: number | 'self'): string | undefined {
  try {
    return readlinkSync(join(procRoot, String(pid), 'ns', 'mnt'));
  } catch {
    return undefined;
  }
}

/**
 * Real filesystems of the diagnosed process's mount table (core's policy), measured with statfs.
 * A process in another mount namespace (a container) is measured through `/proc/<pid>/root`, so
 * its `/data` is its own and not ours.
 */
function direct(ctx: CheckContext, foreign: boolean): FsFigures[] {
  const mounts = realFilesystems(readMounts({ procRoot: ctx.procRoot, pid: ctx.pid }));
  return mounts.flatMap((m) => {
    const path = foreign ? join(ctx.procRoot, String(ctx.pid), 'root', m.mountpoint) : m.mountpoint;
    const usage = filesystemUsage(path, ctx.statfs);
    return usage ? [{ mountpoint: m.mountpoint, device: m.device, ...usage }] : [];
  });
}

/**
 * `disk`: space and inodes used per filesystem, each graded with `thresholds.diskUsedRatio`
 * (the worse of the two). One finding per filesystem, saying whose: `machine: /data: …`, or, for
 * a process in another mount namespace than the diagnosing one (a container), that process's
 * subject, measured through `/proc/<pid>/root`. Reads monitor's `node_filesystem_*` (our mount
 * namespace) when present and the mounts are ours, else the diagnosed process's
 * `/proc/<pid>/mounts` and `fs.statfsSync`.
 * @example diskCheck(ctx).run(snapshot)
 */
export function diskCheck(ctx: CheckContext): HealthCheck {
  const check = { name: 'disk', area: 'disk' };
  return {
    ...check,
    run(snapshot) {
      const ours = mountNamespace(ctx.procRoot, 'self');
      const theirs = ctx.self ? ours : mountNamespace(ctx.procRoot, ctx.pid);
      const foreign = ours !== undefined && theirs !== undefined && ours !== theirs;
      const who = foreign ? ctx.subject : MACHINE;
      const list =
        snapshot.has(METRICS.fsSizeBytes) && !foreign
          ? fromSnapshot(snapshot)
          : direct(ctx, foreign);
      if (list.length === 0)
        return [finding(check, 'info', `${who}: no filesystems found to measure`)];
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
          `${who}: ${fs.mountpoint}: ${percent(fs.usedRatio)} used, ${formatBytes(fs.availBytes)} free of ${formatBytes(fs.sizeBytes)}${inodeText}`,
          {
            figure: `${inodesWorse ? `inodes ${percent(inodes ?? 0)}` : `space ${percent(fs.usedRatio)}`} used; warning ≥ ${percent(t)}, critical ≥ ${percent(criticalRatio(t))} (space or inodes)`,
            recommendation: inodesWorse
              ? `${fs.mountpoint} runs out of inodes: remove many small files (caches, sessions, temp files)`
              : `free space on ${fs.mountpoint}: rotate and compress logs, clear caches and old heap snapshots, or grow the volume`,
            data: {
              ...fs,
              inodesUsedRatio: inodes,
              scope: foreign ? 'process' : 'machine',
              ...(foreign ? { pid: ctx.pid } : {}),
            },
          },
        );
      });
    },
  };
}
