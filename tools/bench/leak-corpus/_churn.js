'use strict';
// Shared by the workloads: healthy request-like churn (short-lived objects, some of them living
// long enough to be promoted, so major GCs happen as in a real service) and the stop timer.
const DURATION_S = Number(process.env.DURATION_S || 240);

/** ~`bytes` of JS heap in one object. */
function blob(bytes) {
  return { at: Date.now(), payload: new Array(Math.max(1, (bytes / 8) | 0)).fill(1) };
}

/** Starts request-like churn: `perTick` requests every 10 ms, each held 100–900 ms. */
function churn(perTick = 10) {
  const inflight = new Set();
  setInterval(() => {
    for (let i = 0; i < perTick; i++) {
      const req = {
        id: i,
        body: JSON.stringify({ i, t: Date.now(), items: [1, 2, 3] }),
        data: blob(2048),
      };
      inflight.add(req);
      setTimeout(() => inflight.delete(req), 100 + Math.random() * 800);
    }
  }, 10);
}

/** Calls `fn` every `ms` until the end. */
function every(ms, fn) {
  setInterval(fn, ms);
}

setTimeout(() => process.exit(0), DURATION_S * 1000);

module.exports = { blob, churn, every, DURATION_S };
