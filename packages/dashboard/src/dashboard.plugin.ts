import type { DependencyContainer } from 'tsyringe';
import { HOST, HTTP_ROUTE, SERVICE_REGISTRY, asInjectionToken } from '@vitals/core';
import type { Plugin, ServiceRegistry } from '@vitals/core';
import { dashboardConfigSchema } from './dashboard.options';
import type { DashboardConfig, DashboardOptions } from './dashboard.options';
import { DashboardRoutes } from './server/dashboard.routes';
import { findAssetsDir, loadAssets } from './server/static.assets';
import type { Asset } from './server/static.assets';

/**
 * The dashboard plugin: a live page of the host and the services it supervises on the host's one
 * HTTP server (`<path>/`, default `/dashboard/`), with its JSON API (`/api/snapshot`,
 * `/api/history`) and server-sent events (`/events`). It reads what the stream, the history and
 * the alert engine already hold; it never collects. The page's files are read into memory when
 * the plugin starts.
 *
 * @example createHost({ plugins: [monitorPlugin(), dashboardPlugin()], config: { http: { port: 9477 } } })
 */
export function dashboardPlugin(options: DashboardOptions = {}): Plugin<DashboardConfig> {
  let routes: DashboardRoutes | undefined;
  let assets: ReadonlyMap<string, Asset> | undefined;
  return {
    name: 'dashboard',
    after: ['monitor', 'memory', 'process', 'startup', 'prometheus'],
    options: options as Partial<DashboardConfig>,
    configSchema: dashboardConfigSchema,
    register(container: DependencyContainer, config: DashboardConfig, ctx) {
      const host = container.resolve(asInjectionToken(HOST));
      // The page draws 15 minutes of any series on load: History keeps every metric from now on.
      host.history.watch('*');
      let registry: ServiceRegistry | undefined;
      routes = new DashboardRoutes(
        {
          stream: host.stream,
          history: host.history,
          alerts: host.alerts,
          descriptors: host.descriptors,
          clock: ctx.clock,
          logger: ctx.logger,
          selfPid: process.pid,
          services: () => {
            // The supervisor may register its registry after us: look until it is there.
            if (!registry && container.isRegistered(asInjectionToken(SERVICE_REGISTRY), true))
              registry = container.resolve(asInjectionToken(SERVICE_REGISTRY));
            return registry?.list() ?? [];
          },
        },
        config,
        () => assets,
      );
      for (const route of routes.routes()) container.register(HTTP_ROUTE, { useValue: route });
    },
    start(ctx) {
      const dir = findAssetsDir();
      if (dir) assets = loadAssets(dir);
      else
        ctx.logger.warn(
          'dashboard: the page is not built (dist/public missing); run `npx nx build dashboard`',
        );
    },
    stop() {
      // Ends every open page's event stream, so browsers notice at once and reconnect later.
      routes?.hub.close();
    },
  };
}
