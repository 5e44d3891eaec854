import { createHost } from '@vitals/core';
import {
  MEMORY_SERVICE,
  getProfiles,
  memoryPlugin,
  memoryProfile,
  registerCache,
} from '@vitals/memory';

const sessions = new Map<string, { user: string }>(); // a cache emergency cleanup may clear

class Orders {
  @memoryProfile() // duration, heap delta and GCs of every call
  async load(id: string): Promise<{ id: string; lines: number[] }> {
    return { id, lines: Array.from({ length: 100 }, (_, i) => i) };
  }
}

async function main(): Promise<void> {
  // env: periodic and measurement GC stay off when NODE_ENV=test or under jest (the CLI passes
  // process.env); `memoryPlugin({ env: process.env })` works too.
  const host = createHost({ env: process.env, plugins: [memoryPlugin()] });
  await host.start();
  registerCache(host, 'sessions', () => sessions.clear());
  // Verdicts of this process (e.service undefined) and of every supervised service.
  host.resolve(MEMORY_SERVICE).leaks$.subscribe((e) => console.warn(e.message));

  const orders = new Orders();
  for (let i = 0; i < 10; i++) await orders.load(`o-${i}`);
  const [profile] = getProfiles().filter((p) => p.name === 'Orders.load');
  console.log(`${profile.name}: ${profile.calls} calls, p95 ${profile.p95Ms.toFixed(3)} ms`);
  await host.stop();
}

void main();
