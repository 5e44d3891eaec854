import { httpUrl, keepingAlive, type CliCommand } from '@vitals/core';

/**
 * `vitals start`: runs the host in the foreground until SIGINT or SIGTERM, logging every alert
 * that fires or resolves, then stops every plugin within the shutdown deadline. Exit code 0 after a clean stop, 1 when a step failed or timed out.
 */
export const startCommand: CliCommand = {
  name: 'start',
  summary: 'Run the host with every configured plugin in the foreground until SIGINT/SIGTERM',
  async run(ctx) {
    const { host } = ctx;
    // Subscribed before start: the monitor's first tick runs inside start() and may fire at once.
    // The foreground host is watched by a person or a log collector: every alert that fires or
    // resolves is one log line (warn/error by severity), whichever plugin raised it.
    const alerts = host.alerts.alerts$.subscribe((event) => {
      const fields = {
        alert: event.ruleId,
        state: event.state,
        value: event.value,
        labels: event.labels,
      };
      if (event.state === 'firing') {
        host.logger[event.severity === 'critical' ? 'error' : 'warn'](
          fields,
          `ALERT ${event.message}`,
        );
      } else if (event.state === 'resolved') {
        host.logger.info(fields, `resolved: ${event.message}`);
      }
    });
    await host.start();
    const address = host.httpAddress();
    host.logger.info(
      { plugins: host.plugins, http: address ? httpUrl(address) : null },
      `vitals host running with ${host.plugins.length} plugin(s): ${host.plugins.join(', ') || 'none'}; stop with Ctrl-C`,
    );
    // Monitoring timers are unref()ed so they never keep a service alive; the foreground host is
    // the one place that must, until it is told to stop.
    await keepingAlive(
      () =>
        new Promise<void>((resolve) => {
          if (ctx.stopSignal.aborted) resolve();
          else ctx.stopSignal.addEventListener('abort', () => resolve(), { once: true });
        }),
    );
    const reason = String(ctx.stopSignal.reason ?? 'signal');
    host.logger.info({ reason }, `stopping (${reason})`);
    alerts.unsubscribe();
    const report = await host.stop(reason);
    for (const failure of report.failures) {
      host.logger.error(failure, `${failure.step}: ${failure.message}`);
    }
    host.logger.info({ durationMs: report.durationMs }, 'stopped');
    return report.failures.length > 0 ? 1 : 0;
  },
};
