import { CLI_COMMAND, type Plugin } from '@vitals/core';
import { demoCommand } from './tour/demo.command';

/** Options of the demo plugin (none yet: the tour's steps are chosen with `--steps`). */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-empty-interface -- no options yet
export interface DemoOptions {}

/**
 * The demo plugin: contributes `vitals demo`, the tour of every component on the bundled trading
 * bot. The host loads it like any first-party plugin when `@vitals/demo` is installed (it is
 * private: present in the Vitals workspace, never in a user's install).
 * @example createHost({ plugins: [demoPlugin()] })
 */
export function demoPlugin(options: DemoOptions = {}): Plugin<DemoOptions> {
  return {
    name: 'demo',
    options,
    register(container) {
      container.register(CLI_COMMAND, { useValue: demoCommand });
    },
  };
}
