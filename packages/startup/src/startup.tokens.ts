import { createToken } from '@vitals/core';
import type { Readiness } from './readiness';

/** The host's readiness state (served by `/health/ready`); hold it while your own start-up runs. */
export const READINESS = createToken<Readiness>('@vitals/startup:Readiness');

/**
 * Steps the startup plugin runs when it stops: after every shutdown hook (even one abandoned at the
 * deadline) and while the other plugins and the container still run, since startup stops first.
 * `bootstrap()` puts emergency memory cleanup here.
 */
export interface FinalSteps {
  add(name: string, step: () => Promise<void>): void;
}

/** See {@link FinalSteps}. */
export const FINAL_STEPS = createToken<FinalSteps>('@vitals/startup:FinalSteps');
