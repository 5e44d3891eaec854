import { createToken } from '@vitals/core';
import type { Readiness } from './readiness';

/** The host's readiness state (served by `/health/ready`); hold it while your own start-up runs. */
export const READINESS = createToken<Readiness>('@vitals/startup:Readiness');
