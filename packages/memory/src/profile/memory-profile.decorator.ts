import { defaultProfiler } from './memory.profiler';
import type { MemoryProfile, MemoryProfiler } from './memory.profiler';

/** Options of `@memoryProfile()` and `profileMemory()`. */
export interface MemoryProfileOptions {
  /**
   * Profile name. @default `<Class>.<method>` (legacy decorators), `<method>` (TC39: the class is
   * not known when the method is decorated), the function's name for `profileMemory`
   */
  readonly name?: string;
  /** @default defaultProfiler (the one the memory plugin publishes) */
  readonly profiler?: MemoryProfiler;
}

type AnyFn = (...args: unknown[]) => unknown;
interface Tc39MethodContext {
  readonly kind: string;
  readonly name: string | symbol;
  readonly static?: boolean;
}

/**
 * Method decorator: duration, heap delta and GC activity of every call, sync or async. Works with
 * the legacy `experimentalDecorators` signature (tsyringe users) and TC39 standard decorators.
 *
 * @example
 * class Orders {
 *   @memoryProfile()
 *   async load(id: string) { … }
 * }
 */
export function memoryProfile(options: MemoryProfileOptions = {}) {
  const profiler = options.profiler ?? defaultProfiler;
  // `any`: one function must satisfy both the legacy (descriptor) and TC39 (replacement) shapes.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return function decorate(target: unknown, key: unknown, descriptor?: PropertyDescriptor): any {
    if (typeof target === 'function' && isTc39Context(key)) {
      const name = options.name ?? String(key.name);
      return profiler.wrap(name, target as AnyFn);
    }
    if (descriptor && typeof descriptor.value === 'function') {
      const owner =
        typeof target === 'function' ? target.name : (target as object).constructor?.name;
      descriptor.value = profiler.wrap(
        options.name ?? `${owner ?? 'anonymous'}.${String(key)}`,
        descriptor.value as AnyFn,
      );
      return descriptor;
    }
    return undefined;
  };
}

function isTc39Context(value: unknown): value is Tc39MethodContext {
  return (
    typeof value === 'object' &&
    value !== null &&
    'kind' in value &&
    (value as Tc39MethodContext).kind === 'method'
  );
}

/**
 * Wraps a function, sync or async, so every call is profiled.
 * @example const load = profileMemory(loadOrders); await load(id); getProfiles();
 */
export function profileMemory<A extends unknown[], R>(
  fn: (...args: A) => R,
  options: MemoryProfileOptions = {},
): (...args: A) => R {
  return (options.profiler ?? defaultProfiler).wrap(options.name ?? (fn.name || 'anonymous'), fn);
}

/**
 * Calls, p50/p95 duration, mean and max heap delta per profiled function.
 * @example getProfiles().find((p) => p.name === 'Orders.load')?.p95Ms
 */
export function getProfiles(profiler: MemoryProfiler = defaultProfiler): MemoryProfile[] {
  return profiler.profiles();
}
