import { schemas, z } from '@vitals/core';

/** A parsed duration checked against a range, with a message naming both ends. */
function within(
  duration: ReturnType<typeof schemas.duration>,
  min: number,
  max: number,
  minText: string,
  maxText: string,
) {
  const error = `must be between ${minText} and ${maxText}`;
  return duration.pipe(z.number().min(min, { error }).max(max, { error }));
}

/**
 * The `dashboard` config section (and the options of `dashboardPlugin()`); every key is optional.
 * Durations take milliseconds or strings such as `"1s"`.
 */
export const dashboardConfigSchema = z.strictObject({
  /** Where the page is served. @default '/dashboard' */
  path: z
    .string()
    .regex(/^\/[a-z0-9][a-z0-9-]*$/, { error: 'must be one path segment such as "/dashboard"' })
    .default('/dashboard'),
  /** One `/events` message at most this often (the stream is buffered in between). @default 1000 */
  intervalMs: within(schemas.duration(1000), 100, 60_000, '100 ms', '60 s'),
  /** `/events` clients at once; more get 503. @default 50 */
  maxClients: schemas.positiveInt().max(1000, { error: 'must be at most 1000' }).default(50),
  /** A comment line on `/events` this often, so proxies keep the connection. @default 15000 */
  heartbeatMs: within(schemas.duration(15_000), 1000, 300_000, '1 s', '5 min'),
  /** Series one `/api/history` answer carries at most. @default 500 */
  maxHistorySeries: schemas.positiveInt().max(5000, { error: 'must be at most 5000' }).default(500),
  /** Points per series in one `/api/history` answer at most (older ones are thinned). @default 900 */
  maxHistoryPoints: schemas
    .positiveInt()
    .max(10_000, { error: 'must be at most 10000' })
    .default(900),
});

/** Options as written in code or config. */
export type DashboardOptions = Partial<z.input<typeof dashboardConfigSchema>>;
/** Options after validation and defaults. */
export type DashboardConfig = z.output<typeof dashboardConfigSchema>;
