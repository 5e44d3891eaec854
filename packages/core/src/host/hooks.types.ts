/** Multi-token contract: one step of graceful shutdown. Lower `order` runs first. */
export interface ShutdownHook {
  readonly name: string;
  /** @default 0 */
  readonly order?: number;
  run(reason: string): void | Promise<void>;
}

/** Multi-token contract: a cache or pool that emergency cleanup may clear. */
export interface CleanupHandler {
  readonly name: string;
  /** Frees what it can; may report bytes or entries freed. */
  clear(): void | number | Promise<void | number>;
}
