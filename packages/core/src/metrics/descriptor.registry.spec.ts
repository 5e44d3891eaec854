import { DescriptorRegistry } from './descriptor.registry';

describe('DescriptorRegistry', () => {
  const rss = {
    name: 'process_resident_memory_bytes',
    help: 'RSS',
    unit: 'bytes',
    type: 'gauge' as const,
  };

  it('accepts the same declaration twice and rejects a conflicting one naming both owners', () => {
    const registry = new DescriptorRegistry();
    registry.declare('monitor', rss);
    registry.declare('startup', { ...rss, help: 'other words' });
    expect(registry.ownerOf(rss.name)).toBe('monitor');
    expect(() => registry.declare('memory', { ...rss, type: 'counter' })).toThrow(
      'metric "process_resident_memory_bytes" is declared by "monitor" (gauge, bytes, labels []) and again by "memory" (counter, bytes, labels []); rename one of them',
    );
  });

  it('resolves histogram sample names to their family', () => {
    const registry = new DescriptorRegistry();
    registry.declare('memory', {
      name: 'nodejs_gc_duration_seconds',
      help: 'GC',
      unit: 'seconds',
      type: 'histogram',
      labelNames: ['kind'],
    });
    expect(registry.get('nodejs_gc_duration_seconds_bucket')?.type).toBe('histogram');
    expect(registry.get('nodejs_gc_duration_seconds_count')?.name).toBe(
      'nodejs_gc_duration_seconds',
    );
    expect(registry.get('unknown_sum')).toBeUndefined();
  });
});
