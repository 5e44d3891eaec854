import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootOnlyFolder, schemas, z } from '@vitals/core';

/** A named service whose copies count as duplicates of each other. */
const serviceGroup = z.strictObject({
  /** Name shown in reports and used as the `group`. */
  name: z.string().min(1),
  /**
   * The program (a script or executable path, its last segments, or a folder it is in) and
   * optionally its first arguments, as whole words: `bot.js`, `/srv/bot`, `node bot.js --live`.
   * Never a substring: `bot.js` does not match `tail -f bot.js.log`.
   */
  match: z.string().min(1),
});

/**
 * Config section `process`. Every field is optional; defaults are documented per field and in the
 * README.
 */
export const processConfigSchema = z.strictObject({
  /**
   * Folder of instance-lock files; must be yours (or root's) and not writable by others unless
   * sticky (see `defaultLockDir`).
   * @default `/run/vitals` for root, else `<os.tmpdir()>/vitals-<uid>`
   */
  lockDir: z.string().min(1).optional(),
  /** Grace period between SIGTERM and SIGKILL (ms or `"5s"`), 100ms–10m. @default 5000 */
  graceMs: schemas.duration(undefined, { min: '100ms', max: '10m' }).default(5000),
  duplicates: z
    .strictObject({
      /**
       * Which duplicates the `duplicates` check and collector count: copies of the current process
       * (`self`), every duplicate group of the current user (`user`), or of everybody (`all`).
       * @default 'self'
       */
      scope: z.enum(['self', 'user', 'all']).default('self'),
      /** Services identified by program path and arguments (see `match`). @default [] */
      services: z.array(serviceGroup).default([]),
      /** The collector rescans `/proc` at most this often (ms or `"10s"`), 1s–1h. @default 10000 */
      refreshMs: schemas.duration(undefined, { min: '1s', max: '1h' }).default(10_000),
    })
    .prefault({}),
  /** Paths the `perms` audit checks, relative to the working folder. */
  permissions: z
    .strictObject({
      /** Files readable by the owner only (0600/0400): `.env`, keys, configs with credentials. @default [] */
      secrets: z.array(z.string().min(1)).default([]),
      /** Folders the service writes its data to. @default [] */
      dataDirs: z.array(z.string().min(1)).default([]),
      /** Folders the service writes its logs to. @default [] */
      logDirs: z.array(z.string().min(1)).default([]),
      /**
       * The service user (name from `/etc/passwd`, or uid) whose ownership and access are audited,
       * so that `sudo vitals perms` checks the bot's user, not root. @default the user running the command
       */
      user: z.union([z.string().min(1), z.number().int().nonnegative()]).optional(),
    })
    .prefault({}),
  systemd: z
    .strictObject({
      /** Units whose status `vitals services` shows. @default [] */
      units: z.array(z.string().min(1)).default([]),
      /** Talk to the user manager (`systemctl --user`). @default false */
      user: z.boolean().default(false),
    })
    .prefault({}),
});

/** The validated `process` config section. */
export type ProcessConfig = z.infer<typeof processConfigSchema>;

/** Options of {@link processPlugin}: the config section before defaults. */
export type ProcessOptions = z.input<typeof processConfigSchema>;

/**
 * The default folder of lock files, the same for every process of one user, whatever its
 * environment (a service started by systemd and the same program started from a login shell must
 * see each other's locks, so `$XDG_RUNTIME_DIR`, set in login sessions only, is not used):
 *
 * - for root (euid 0), `/run/vitals` when `/run` is a folder root owns that neither group
 *   nor others can write (as systemd services keep theirs): no other user can create it first.
 *   In the shared `/tmp`, any local user could make `vitals-0` before root does, and root's lock
 *   would then be refused (the folder is not root's): a denial of service;
 * - else `<os.tmpdir()>/vitals-<euid>`: one folder per user.
 *
 * Created 0700 when missing; its owner and mode, and those of every folder above it, are checked
 * before any lock in it is trusted (`prepareLockDir`).
 * @param euid - whose locks. @default the effective uid of this process
 * @param run - where root's folder goes when it may. @default '/run'
 * @example defaultLockDir() // '/run/vitals' for root on a systemd machine
 */
export function defaultLockDir(euid: number = process.geteuid?.() ?? 0, run = '/run'): string {
  if (euid === 0 && rootOnlyFolder(run)) return join(run, 'vitals');
  return join(tmpdir(), `vitals-${euid}`);
}
