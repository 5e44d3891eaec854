import { CLI_COMMAND, COLLECTOR, HEALTH_CHECK, INSTANCE_LOCK } from '@vitals/core';
import type { Plugin } from '@vitals/core';
import { createKillDuplicatesCommand } from './cli/kill-duplicates.command';
import { createPermsCommand } from './cli/perms.command';
import { createPsCommand } from './cli/ps.command';
import { createServicesCommand } from './cli/services.command';
import type { CommandDeps } from './cli/command.deps';
import { createDuplicatesCheck } from './duplicates/duplicates.check';
import { createDuplicatesCollector } from './duplicates/duplicates.collector';
import { createInstanceLockService } from './lock/instance-lock.service';
import type { TrackingLockService } from './lock/instance-lock.service';
import { defaultLockDir, processConfigSchema } from './process.options';
import type { ProcessConfig, ProcessOptions } from './process.options';

/**
 * The process plugin: the instance-lock service (`INSTANCE_LOCK`), the `duplicates` health check,
 * the `vitals_duplicate_processes` collector, and the `ps`, `kill-duplicates`, `services` and
 * `perms` commands. Locks taken through the service are released when the plugin stops.
 * @example createHost({ plugins: [processPlugin({ duplicates: { scope: 'user' } })] })
 */
export function processPlugin(options: ProcessOptions = {}): Plugin<ProcessConfig> {
  let locks: TrackingLockService | undefined;
  return {
    name: 'process',
    options: options as Partial<ProcessConfig>,
    configSchema: processConfigSchema,
    register(container, config, ctx) {
      locks = createInstanceLockService(config.lockDir ?? defaultLockDir());
      container.register(INSTANCE_LOCK, { useValue: locks });
      const scope = { scope: config.duplicates.scope, services: config.duplicates.services };
      const refreshMs = config.duplicates.refreshMs;
      container.register(COLLECTOR, {
        useValue: createDuplicatesCollector({ ...scope, refreshMs, clock: ctx.clock }),
      });
      container.register(HEALTH_CHECK, { useValue: createDuplicatesCheck(scope) });
      const deps: CommandDeps = { config, clock: ctx.clock };
      for (const command of [
        createPsCommand(deps),
        createKillDuplicatesCommand(deps),
        createServicesCommand(deps),
        createPermsCommand(deps),
      ]) {
        container.register(CLI_COMMAND, { useValue: command });
      }
    },
    stop() {
      locks?.releaseAll();
    },
  };
}
