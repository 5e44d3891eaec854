import { mergeNodeOptions, splitNodeOptions } from './node-options';

describe('mergeNodeOptions', () => {
  it("puts the user's flags after ours and drops ours where they set the same flag", () => {
    expect(
      mergeNodeOptions(
        ['--max-old-space-size=384', '--max-semi-space-size=16'],
        '--max_old_space_size=512 --enable-source-maps',
      ),
    ).toBe('--max-semi-space-size=16 --max_old_space_size=512 --enable-source-maps');
  });

  it('adds the agent as one more --require and quotes paths with spaces', () => {
    expect(mergeNodeOptions([], '-r dotenv/config', '/opt/my app/vitals-agent.js')).toBe(
      '--require=dotenv/config --require="/opt/my app/vitals-agent.js"',
    );
  });

  it('reads quoted values and empty input', () => {
    expect(splitNodeOptions('--require "/a b/c.js"  --inspect')).toEqual([
      '--require=/a b/c.js',
      '--inspect',
    ]);
    expect(splitNodeOptions(undefined)).toEqual([]);
    expect(mergeNodeOptions([], undefined)).toBe('');
  });
});
