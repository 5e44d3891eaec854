import { createHost } from '@vitals/core';
import { acquireInstanceLock, processPlugin } from '@vitals/process';

async function main(): Promise<void> {
  const lock = acquireInstanceLock('trading-bot'); // throws ERR_INSTANCE_LOCKED naming the holder's pid
  const host = createHost({ plugins: [processPlugin({ duplicates: { scope: 'self' } })] });
  await host.start();
  console.log('holding the trading-bot lock');
  // … on shutdown:
  await host.stop();
  lock.release();
}

void main();
