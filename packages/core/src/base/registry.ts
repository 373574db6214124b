import { DialbookError } from './errors.js';

/**
 * A small named registry: register by id, look up, list. Frozen by the host
 * once every plugin has run `setup`; registering after that throws.
 */
export class Registry<T extends { id: string }> {
  private readonly items = new Map<string, { item: T; owner: string }>();
  private frozen = false;

  constructor(readonly kind: string) {}

  register(item: T, owner = 'core'): () => void {
    if (this.frozen) {
      throw new DialbookError('DIALBOOK_PLUGIN_REGISTRY_FROZEN', `${owner} tried to register ${this.kind} "${item.id}" after start-up; register in setup()`, { plugin: owner });
    }
    const existing = this.items.get(item.id);
    if (existing) {
      throw new DialbookError('DIALBOOK_PLUGIN_REGISTRY_DUPLICATE', `${this.kind} "${item.id}" is registered twice (by ${existing.owner} and ${owner}); give one instance another id`, { plugin: owner });
    }
    this.items.set(item.id, { item, owner });
    return () => {
      if (this.frozen) throw new DialbookError('DIALBOOK_PLUGIN_REGISTRY_FROZEN', `cannot remove ${this.kind} "${item.id}" after start-up`);
      this.items.delete(item.id);
    };
  }

  get(id: string): T | undefined {
    return this.items.get(id)?.item;
  }

  require(id: string): T {
    const found = this.get(id);
    if (!found) throw new DialbookError('DIALBOOK_NOT_FOUND', `no ${this.kind} "${id}" is registered (known: ${[...this.items.keys()].join(', ') || 'none'})`, { status: 404 });
    return found;
  }

  list(): T[] {
    return [...this.items.values()].map((e) => e.item);
  }

  ownerOf(id: string): string | undefined {
    return this.items.get(id)?.owner;
  }

  freeze(): void {
    this.frozen = true;
  }

  get isFrozen(): boolean {
    return this.frozen;
  }
}
