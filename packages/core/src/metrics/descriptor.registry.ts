import { VitalsError } from '../errors';
import type { MetricDescriptor } from './metric.types';

interface Entry {
  readonly descriptor: MetricDescriptor;
  readonly owner: string;
}

function sameDeclaration(a: MetricDescriptor, b: MetricDescriptor): boolean {
  const la = [...(a.labelNames ?? [])].sort().join(',');
  const lb = [...(b.labelNames ?? [])].sort().join(',');
  return a.type === b.type && a.unit === b.unit && la === lb;
}

/**
 * Every metric is declared once. Declaring the same name again with the same type, unit and labels
 * is harmless (two hosts, a re-registered collector); a conflicting declaration is an error that
 * names both owners.
 */
export class DescriptorRegistry {
  private readonly entries = new Map<string, Entry>();
  private declared = 0;

  /** Changes whenever a new name is declared: exporters that cache rendered HELP/TYPE lines check it. */
  get version(): number {
    return this.declared;
  }

  /** Declares `descriptor` on behalf of `owner` (a plugin or collector name). */
  declare(owner: string, descriptor: MetricDescriptor): void {
    const existing = this.entries.get(descriptor.name);
    if (!existing) {
      this.entries.set(descriptor.name, { descriptor: Object.freeze({ ...descriptor }), owner });
      this.declared++;
      return;
    }
    if (sameDeclaration(existing.descriptor, descriptor)) return;
    const show = (d: MetricDescriptor) =>
      `${d.type}, ${d.unit}, labels [${(d.labelNames ?? []).join(', ')}]`;
    throw new VitalsError(
      'ERR_DESCRIPTOR_CONFLICT',
      `metric "${descriptor.name}" is declared by "${existing.owner}" (${show(existing.descriptor)}) ` +
        `and again by "${owner}" (${show(descriptor)}); rename one of them`,
    );
  }

  /** Declares many at once. */
  declareAll(owner: string, descriptors: readonly MetricDescriptor[]): void {
    for (const d of descriptors) this.declare(owner, d);
  }

  /**
   * The descriptor for a metric name. Histogram samples (`x_bucket`, `x_sum`, `x_count`) resolve
   * to the histogram `x`.
   */
  get(name: string): MetricDescriptor | undefined {
    const direct = this.entries.get(name)?.descriptor;
    if (direct) return direct;
    const base = name.replace(/_(bucket|sum|count)$/, '');
    const hist = base !== name ? this.entries.get(base)?.descriptor : undefined;
    return hist?.type === 'histogram' ? hist : undefined;
  }

  /** Who declared a metric. */
  ownerOf(name: string): string | undefined {
    return this.entries.get(name)?.owner;
  }

  /** Every descriptor, sorted by name. */
  all(): MetricDescriptor[] {
    return [...this.entries.values()]
      .map((e) => e.descriptor)
      .sort((a, b) => a.name.localeCompare(b.name));
  }
}
