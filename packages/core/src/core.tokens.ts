import { createToken } from './tokens';
import type { AlertEngine } from './alerts/alert.engine';
import type { CliCommand } from './cli/cli.types';
import type { Collector } from './metrics/collector.types';
import type { DescriptorRegistry } from './metrics/descriptor.registry';
import type { History } from './metrics/history';
import type { MetricStream } from './metrics/metric.stream';
import type { HealthCheck } from './health/health.types';
import type { CleanupHandler, ShutdownHook } from './host/hooks.types';
import type { HttpRoute } from './http/http.types';
import type { Logger } from './logging/logger';
import type { Clock } from './util/clock';
import type { VitalsConfig } from './config/config.types';
import type { HostHandle } from './host/host.types';

/** The host's one metric stream. */
export const METRIC_STREAM = createToken<MetricStream>('@vitals/core:MetricStream');
/** Every metric's declaration, by name. */
export const DESCRIPTOR_REGISTRY = createToken<DescriptorRegistry>(
  '@vitals/core:DescriptorRegistry',
);
/** Bounded per-series history that trends and the dashboard read. */
export const HISTORY = createToken<History>('@vitals/core:History');
/** The alert engine fed by the stream. */
export const ALERT_ENGINE = createToken<AlertEngine>('@vitals/core:AlertEngine');
/** Multi-token: metric collectors. */
export const COLLECTOR = createToken<Collector>('@vitals/core:Collector');
/** Multi-token: health checks run over a snapshot. */
export const HEALTH_CHECK = createToken<HealthCheck>('@vitals/core:HealthCheck');
/** Multi-token: ordered graceful-shutdown steps. */
export const SHUTDOWN_HOOK = createToken<ShutdownHook>('@vitals/core:ShutdownHook');
/** Multi-token: cache-clearing callbacks for emergency memory cleanup. */
export const CLEANUP_HANDLER = createToken<CleanupHandler>('@vitals/core:CleanupHandler');
/** Multi-token: `vitals` subcommands. */
export const CLI_COMMAND = createToken<CliCommand>('@vitals/core:CliCommand');
/** Multi-token: routes on the host's one HTTP server. */
export const HTTP_ROUTE = createToken<HttpRoute>('@vitals/core:HttpRoute');
/** The host's logger (pino-compatible). */
export const LOGGER = createToken<Logger>('@vitals/core:Logger');
/** The host's clock; tests swap in a virtual one. */
export const CLOCK = createToken<Clock>('@vitals/core:Clock');
/** The whole validated, frozen configuration. */
export const CONFIG = createToken<VitalsConfig>('@vitals/core:Config');
/** The host itself: state, collectOnce, stop. */
export const HOST = createToken<HostHandle>('@vitals/core:Host');
