/**
 * Process-table benchmark: `npm run bench:ps [-- <target processes> <runs>]`.
 *
 * Lists every process on the machine with @vitals/process's `readProcessTable()` (one pass over
 * /proc: stat, cmdline and the owner of each pid) and, in the same run and interleaved, with
 * systeminformation's `processes()` (the peer), and prints the median and p95 of each and their
 * ratio. When fewer than <target> processes exist (default 200), idle `sleep` processes are
 * spawned to reach it and killed at the end. systeminformation caches `processes()` for 500 ms,
 * so each of its runs waits 520 ms first (not timed) to measure a real listing. Our table skips
 * kernel threads by default; the `+kthreads` line lists them too, row for row like `ps -ax`.
 * Budget: median < 20 ms for ~200 processes.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import si from 'systeminformation';
import { listPids } from '@vitals/core';
import { readProcessTable } from '@vitals/process';

const TARGET = Number(process.argv[2] ?? 200);
const RUNS = Math.max(5, Number(process.argv[3] ?? 30));
const PEER_RUNS = Math.max(3, Math.min(RUNS, 10));
const BUDGET_MS = 20;

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

async function time(fn: () => unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function main(): Promise<void> {
  const extra: ChildProcess[] = [];
  const existing = listPids().length;
  for (let i = existing; i < TARGET; i++) extra.push(spawn('sleep', ['600'], { stdio: 'ignore' }));
  await new Promise((r) => setTimeout(r, 300)); // let the sleeps exec
  try {
    const rows = readProcessTable().length;
    const peerRows = (await si.processes()).list.length;
    const ours: number[] = [];
    const oursAll: number[] = [];
    const peer: number[] = [];
    for (let i = 0; i < 5; i++) readProcessTable(); // warm-up
    for (let i = 0; i < RUNS; i++) {
      ours.push(await time(() => readProcessTable()));
      oursAll.push(await time(() => readProcessTable({ skipKernelThreads: false })));
      if (i < PEER_RUNS) {
        await new Promise((r) => setTimeout(r, 520)); // past si's 500 ms result cache
        peer.push(await time(() => si.processes()));
      }
    }
    const ourMedian = quantile(ours, 0.5);
    const peerMedian = quantile(peer, 0.5);
    console.log(
      `processes: ${listPids().length} pids (${extra.length} idle sleeps spawned); rows: readProcessTable ${rows}, systeminformation ${peerRows}`,
    );
    console.log(
      `readProcessTable()            median ${ourMedian.toFixed(2)} ms  p95 ${quantile(ours, 0.95).toFixed(2)} ms  (${RUNS} runs)`,
    );
    console.log(
      `readProcessTable(+kthreads)   median ${quantile(oursAll, 0.5).toFixed(2)} ms  p95 ${quantile(oursAll, 0.95).toFixed(2)} ms`,
    );
    console.log(
      `systeminformation processes() median ${peerMedian.toFixed(2)} ms  p95 ${quantile(peer, 0.95).toFixed(2)} ms  (${PEER_RUNS} runs)`,
    );
    console.log(`ratio: systeminformation / ours = ${(peerMedian / ourMedian).toFixed(1)}x`);
    console.log(
      `budget: median < ${BUDGET_MS} ms → ${ourMedian < BUDGET_MS ? 'OK' : 'OVER BUDGET'}`,
    );
  } finally {
    for (const child of extra) child.kill('SIGKILL');
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
