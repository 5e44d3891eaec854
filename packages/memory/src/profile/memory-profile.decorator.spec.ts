import { container as rootContainer, inject, injectable } from 'tsyringe';
import { createToken } from '@vitals/core';
import { MemoryProfiler } from './memory.profiler';
import { getProfiles, memoryProfile, profileMemory } from './memory-profile.decorator';

describe('memoryProfile', () => {
  let profiler: MemoryProfiler;
  beforeEach(() => {
    profiler = new MemoryProfiler();
  });

  it('profiles a sync method (legacy decorator) and keeps this, arguments and result', () => {
    class Orders {
      factor = 3;
      @memoryProfile({ profiler })
      total(n: number): number[] {
        return Array.from({ length: n }, (_, i) => i * this.factor);
      }
    }
    const orders = new Orders();
    expect(orders.total(4)).toEqual([0, 3, 6, 9]);
    orders.total(50_000);
    const [p] = profiler.profiles();
    expect(p.name).toBe('Orders.total');
    expect(p.calls).toBe(2);
    expect(p.maxHeapDeltaBytes).toBeGreaterThan(100_000);
    expect(p.p95Ms).toBeGreaterThanOrEqual(p.p50Ms);
  });

  it('profiles an async method and counts a rejection as an error', async () => {
    class Loader {
      @memoryProfile({ profiler, name: 'load' })
      async load(fail: boolean): Promise<string> {
        await new Promise((r) => setImmediate(r));
        if (fail) throw new Error('boom');
        return 'ok';
      }
    }
    const loader = new Loader();
    await expect(loader.load(false)).resolves.toBe('ok');
    await expect(loader.load(true)).rejects.toThrow('boom');
    const p = profiler.profiles().find((x) => x.name === 'load')!;
    expect(p.calls).toBe(2);
    expect(p.errors).toBe(1);
  });

  it('works on a tsyringe-injected class resolved from a child container', () => {
    const GREETING = createToken<string>('@vitals/memory-test:Greeting');
    @injectable()
    class Greeter {
      constructor(@inject(GREETING) private readonly greeting: string) {}
      @memoryProfile({ profiler })
      greet(name: string): string {
        return `${this.greeting}, ${name}`;
      }
    }
    const child = rootContainer.createChildContainer();
    child.register(GREETING, { useValue: 'hello' });
    const greeter = child.resolve(Greeter);
    expect(greeter.greet('ada')).toBe('hello, ada');
    expect(profiler.profiles()).toEqual([
      expect.objectContaining({ name: 'Greeter.greet', calls: 1 }),
    ]);
    child.dispose();
  });

  it('accepts the TC39 standard decorator signature (value, context)', () => {
    function double(this: unknown, n: number): number {
      return n * 2;
    }
    const decorate = memoryProfile({ profiler }) as unknown as (
      value: unknown,
      ctx: object,
    ) => (n: number) => number;
    const replaced = decorate(double, {
      kind: 'method',
      name: 'double',
      static: false,
      private: false,
    });
    expect(replaced(21)).toBe(42);
    expect(profiler.profiles()[0]).toMatchObject({ name: 'double', calls: 1 });
  });

  it('profileMemory wraps a plain function; samples go out as histograms per fn', async () => {
    const build = profileMemory(async (n: number) => new Array(n).fill(0).length, {
      profiler,
      name: 'build',
    });
    await build(10);
    const samples = profiler.toSamples();
    expect(samples).toContainEqual({
      name: 'vitals_memory_profile_duration_seconds_count',
      value: 1,
      labels: { fn: 'build' },
    });
    expect(
      samples.some(
        (s) =>
          s.name === 'vitals_memory_profile_heap_delta_bytes_bucket' && s.labels?.le === '+Inf',
      ),
    ).toBe(true);
    expect(getProfiles(profiler)[0].calls).toBe(1);
  });

  it('counts GCs reported by the GC counter during an async call', async () => {
    let gcs = 0;
    profiler.useGcCounter(() => gcs);
    const slow = profileMemory(
      async () => {
        gcs += 2;
      },
      { profiler, name: 'slow' },
    );
    await slow();
    expect(profiler.profiles()[0].gcs).toBe(2);
  });
});
