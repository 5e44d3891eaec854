import type { DependencyContainer } from 'tsyringe';
import type { ZodType } from 'zod';
import type { VitalsConfig } from '../config/config.types';
import type { Logger } from '../logging/logger';
import type { Clock } from '../util/clock';
import type { HostHandle } from './host.types';

/** What `register` receives beside the container and the plugin's own config section. */
export interface RegisterContext {
  readonly config: VitalsConfig;
  /**
   * The environment the host was given (the CLI passes `process.env`; `createHost` defaults to
   * `{}`). Plugins read variables from here, never from `process.env`, so tests control them.
   */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
  readonly clock: Clock;
}

/** What `start` and `stop` receive. */
export interface PluginContext extends RegisterContext {
  readonly container: DependencyContainer;
  readonly host: HostHandle;
}

/**
 * A Vitals plugin. Factories (`monitorPlugin({...})`) return one. The host validates
 * `{ ...options, ...config[name] }` with `configSchema` and hands the result to `register`.
 */
export interface Plugin<C = unknown> {
  /** Unique in a host; also its config section's key. */
  readonly name: string;
  /** Plugins that must be in the same host; they start before this one. */
  readonly dependsOn?: readonly string[];
  /** Plugins that start before this one when present (soft ordering). */
  readonly after?: readonly string[];
  /** Options given in code; the config file's section overrides them key by key. */
  readonly options?: Partial<C>;
  /** Validates the plugin's section; use `z.strictObject` so unknown keys are reported. */
  readonly configSchema?: ZodType<C>;
  /** Per-plugin start deadline, ms (config `startTimeoutMs` when absent). */
  readonly startTimeoutMs?: number;
  /** Per-plugin stop deadline, ms (config `stopTimeoutMs` when absent). */
  readonly stopTimeoutMs?: number;
  register(container: DependencyContainer, config: C, ctx: RegisterContext): void;
  start?(ctx: PluginContext): void | Promise<void>;
  stop?(ctx: PluginContext): void | Promise<void>;
}
