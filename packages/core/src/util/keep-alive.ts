/**
 * Runs `work` while a ref'ed timer keeps the event loop alive. The core `Clock`'s timers are
 * `unref()`ed so monitoring never keeps a service alive; but a CLI command or a script that
 * awaits a wait on that clock (a CPU sample, a kill grace period, a report, a foreground host)
 * would then exit mid-wait. The handle lives exactly as long as the operation.
 * @example await keepingAlive(() => waitOn(clock, 500))
 */
export async function keepingAlive<T>(work: () => Promise<T>): Promise<T> {
  const handle = setInterval(() => undefined, 1 << 30);
  try {
    return await work();
  } finally {
    clearInterval(handle);
  }
}
