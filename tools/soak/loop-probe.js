// The event-loop probe of the soak, loaded by host.js and control.js: the process's own
// event-loop delay, measured with monitorEventLoopDelay at a 10 ms resolution (finer than the
// monitor's 50 ms, so the soak's p99 rests on about 100 samples a second), reported to the
// parent over IPC:
//   every second  {type:'sample', heapUsed, loopP99Ms, loopMaxMs}      (the last second)
//   on 'mark'     the whole-window histogram is reset (end of warm-up)
//   on 'report'   {type:'report', loopP99Ms, loopMaxMs, loopSamples}   (since the mark)
// Delays have the resolution subtracted, as Vitals' runtime collector does.
'use strict';
const { monitorEventLoopDelay } = require('node:perf_hooks');

const RESOLUTION_MS = 10;
const ms = (ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);

/** Starts the probe; a no-op without an IPC channel. Returns a function that stops it. */
function startLoopProbe() {
  if (typeof process.send !== 'function') return () => undefined;
  const second = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const window = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  second.enable();
  window.enable();
  const send = (message) => {
    try {
      process.send(message);
    } catch {
      // The parent went away; the process is about to be stopped.
    }
  };
  const timer = setInterval(() => {
    send({
      type: 'sample',
      heapUsed: process.memoryUsage().heapUsed,
      loopP99Ms: second.count ? ms(second.percentile(99)) : 0,
      loopMaxMs: second.count ? ms(second.max) : 0,
    });
    second.reset();
  }, 1000);
  const onMessage = (message) => {
    if (message === 'mark') window.reset();
    else if (message === 'report') {
      send({
        type: 'report',
        loopP99Ms: window.count ? ms(window.percentile(99)) : NaN,
        loopMaxMs: window.count ? ms(window.max) : NaN,
        loopSamples: window.count,
      });
    }
  };
  process.on('message', onMessage);
  return () => {
    clearInterval(timer);
    process.off('message', onMessage);
    second.disable();
    window.disable();
  };
}

module.exports = { startLoopProbe };
