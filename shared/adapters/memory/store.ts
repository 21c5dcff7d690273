import { type Item, type ItemKey, type ItemQuery, type ItemTable, ItemTandemStore } from '../item-store.ts';

/** ItemTable in a Map, with DynamoDB's semantics: copies in and out, sort-key order, conditional put. */
class MemoryItemTable implements ItemTable {
  private readonly partitions = new Map<string, Map<string, Item>>();

  async put(item: Item, options: { ifAbsent?: boolean } = {}): Promise<boolean> {
    let partition = this.partitions.get(item.pk);
    if (!partition) {
      partition = new Map();
      this.partitions.set(item.pk, partition);
    }
    if (options.ifAbsent && partition.has(item.sk)) return false;
    partition.set(item.sk, structuredClone(item));
    return true;
  }

  async get(key: ItemKey): Promise<Item | undefined> {
    const item = this.partitions.get(key.pk)?.get(key.sk);
    return item && structuredClone(item);
  }

  async delete(key: ItemKey): Promise<void> {
    this.partitions.get(key.pk)?.delete(key.sk);
  }

  async query(query: ItemQuery): Promise<Item[]> {
    const candidates =
      query.index === 'gsi1'
        ? [...this.partitions.values()]
            .flatMap((partition) => [...partition.values()])
            .filter((item) => item.gsi1pk === query.pk && item.gsi1sk !== undefined)
            .map((item) => [item.gsi1sk as string, item] as const)
        : [...(this.partitions.get(query.pk)?.values() ?? [])].map((item) => [item.sk, item] as const);
    const prefix = query.skPrefix;
    // DynamoDB orders sort keys by UTF-8 bytes; plain string comparison agrees for Tandem's ASCII keys.
    const matching = candidates
      .filter(([sk]) => prefix === undefined || sk.startsWith(prefix))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (query.descending) matching.reverse();
    return matching.slice(0, query.limit).map(([, item]) => structuredClone(item));
  }
}

/** TandemStore in memory, for fast unit tests; same keys and semantics as the DynamoDB adapter. */
export class MemoryTandemStore extends ItemTandemStore {
  constructor() {
    super(new MemoryItemTable());
  }
}
