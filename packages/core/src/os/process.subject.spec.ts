import { createFakeTree } from './__fixtures__/fake-tree.test-util';
import type { FakeTree } from './__fixtures__/fake-tree.test-util';
import { processSubject } from './process.subject';

describe('processSubject', () => {
  let tree: FakeTree;
  beforeEach(() => (tree = createFakeTree()));
  afterEach(() => tree.remove());

  it('names the program by its base name, with its arguments, escaped and shortened', () => {
    tree.write('7/cmdline', '/usr/bin/node\0bot.js\0--port\x1b[2J\0');
    expect(processSubject(7, tree.root)).toBe('pid 7 (node bot.js --port\\x1b[2J)');
    tree.write('8/cmdline', `node\0${'x'.repeat(80)}\0`);
    expect(processSubject(8, tree.root)).toBe(`pid 8 (node ${'x'.repeat(34)}…)`);
  });

  it('falls back to comm for a kernel thread, and to the pid for a process that is gone', () => {
    tree.write('9/cmdline', '');
    tree.write('9/stat', `9 (kworker/0:1) I ${'0 '.repeat(40)}`);
    expect(processSubject(9, tree.root)).toBe('pid 9 (kworker/0:1)');
    expect(processSubject(10, tree.root)).toBe('pid 10');
  });
});
