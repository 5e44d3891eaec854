import type { DependencyContainer } from 'tsyringe';
import { CLI_COMMAND, HOST, HTTP_ROUTE, asInjectionToken, schemas, z } from '@vitals/core';
import type { Plugin } from '@vitals/core';
import { metricsRoute } from './metrics.route';
import { rulesExportCommand } from './rules.command';

/** The prometheus config section; every field is optional. */
export const prometheusConfigSchema = z.strictObject({
  /** Path of the endpoint. @default '/metrics' */
  path: z.string().startsWith('/', { error: 'must start with /' }).default('/metrics'),
  /** Leave out series not updated for this long (a disk unmounted, a pid gone). @default '5m' */
  staleAfterMs: schemas.duration().default(5 * 60_000),
  /** Reachable without the HTTP token (when the host requires one). @default false */
  public: z.boolean().default(false),
  /**
   * gzip of `/metrics`: `auto` when the scraper asks, except on loopback (a scraper on this
   * machine: compressing costs both sides CPU and saves only loopback bytes); `gzip` whenever
   * asked; `off` never (a scraper that refuses an uncompressed body still gets gzip).
   * @default 'auto'
   */
  compression: z
    .enum(['auto', 'gzip', 'off'], { error: 'must be "auto", "gzip" or "off"' })
    .default('auto'),
});

/** Options as written in code or config. */
export type PrometheusOptions = z.input<typeof prometheusConfigSchema>;
/** Options after validation and defaults. */
export type PrometheusConfig = z.output<typeof prometheusConfigSchema>;

/**
 * The prometheus plugin: `GET /metrics` on the host's HTTP server, in the text exposition format
 * (OpenMetrics and gzip when asked), rendered from the stream's latest values, the host's metric
 * descriptors and its alert state (`ALERTS`, `ALERTS_FOR_STATE`) — it never collects: pair it
 * with the monitor, whose scheduler keeps the values fresh — and the `vitals rules export`
 * command.
 *
 * @example createHost({ plugins: [monitorPlugin(), prometheusPlugin()], config: { http: { port: 9477 } } })
 */
export function prometheusPlugin(options: PrometheusOptions = {}): Plugin<PrometheusConfig> {
  return {
    name: 'prometheus',
    after: ['monitor'],
    options: options as Partial<PrometheusConfig>,
    configSchema: prometheusConfigSchema,
    register(container: DependencyContainer, config: PrometheusConfig) {
      const host = container.resolve(asInjectionToken(HOST));
      container.register(HTTP_ROUTE, {
        useValue: metricsRoute(() => host, {
          path: config.path,
          staleAfterMs: config.staleAfterMs,
          public: config.public,
          compression: config.compression,
        }),
      });
      container.register(CLI_COMMAND, { useValue: rulesExportCommand });
    },
  };
}
