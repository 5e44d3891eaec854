import { Snapshot, createHost } from '@vitals/core';
import type {
  Finding,
  HealthCheck,
  HostHandle,
  MetricBatch,
  Sample,
  Thresholds,
} from '@vitals/core';
import type { CheckContext, CheckFactory } from '../check.context';
import { createCheckContext } from '../check-context.factory';
import { DIAGNOSTICS_DEFAULTS } from '../diagnostics.options';
import type { FakeProc } from './fake-proc.test-util';

/** A snapshot holding `samples` as if one collector produced them. */
export function snapshotOf(samples: readonly Sample[] = [], at = 0): Snapshot {
  const batch: MetricBatch = { source: 'test', at, samples };
  return new Snapshot(at, [batch]);
}

/** A host for one spec (stop it in afterEach), with thresholds and required env as given. */
export function testHost(
  config: { thresholds?: Partial<Thresholds>; requiredEnv?: string[] } = {},
): HostHandle {
  return createHost({ config });
}

/**
 * Runs one built-in check against a fake /proc tree (or the real one) with context overrides.
 * @example await runCheck(memoryCheck, host, { proc, snapshot })
 */
export async function runCheck(
  factory: CheckFactory,
  host: HostHandle,
  options: { proc?: FakeProc; snapshot?: Snapshot; overrides?: Partial<CheckContext> } = {},
): Promise<Finding[]> {
  const ctx = createCheckContext({
    options: options.proc
      ? {
          ...DIAGNOSTICS_DEFAULTS,
          procRoot: options.proc.procRoot,
          cgroupRoot: options.proc.cgroupRoot,
        }
      : DIAGNOSTICS_DEFAULTS,
    config: host.config,
    clock: host.clock,
    pid: options.proc?.state.pid,
    overrides: options.overrides,
  });
  const check: HealthCheck = factory(ctx);
  return check.run(options.snapshot ?? snapshotOf());
}
