import type { InjectionToken } from 'tsyringe';

/**
 * A typed DI token. `Symbol.for` keeps identity across duplicate installs of core; the phantom
 * type keeps `container.resolve(TOKEN)` typed.
 */
export type Token<T> = symbol & { readonly __type?: T };

/** Creates a token named `@vitals/<pkg>:<Name>`. */
export function createToken<T>(name: string): Token<T> {
  return Symbol.for(name) as Token<T>;
}

/** Narrows a typed token to tsyringe's `InjectionToken`. */
export function asInjectionToken<T>(token: Token<T>): InjectionToken<T> {
  return token as InjectionToken<T>;
}
