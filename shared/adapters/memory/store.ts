import {
  conditionHolds,
  type Item,
  type ItemKey,
  type ItemPath,
  type ItemQuery,
  type ItemTable,
  ItemTandemStore,
  type ItemUpdate,
} from '../item-store.ts';

type Attributes = Record<string, unknown>;

const isMap = (value: unknown): value is Attributes =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at a path, undefined when it or its map is missing. */
function valueAt(item: Attributes, path: ItemPath): unknown {
  const [first, entry] = path;
  const top = item[first];
  if (entry === undefined) return top;
  return isMap(top) ? top[entry] : undefined;
}

/** The object holding a path's last part, refusing (as DynamoDB does) a map entry whose map is missing. */
function holderOf(item: Attributes, path: ItemPath): [Attributes, string] {
  const [first, entry] = path;
  if (entry === undefined) return [item, first];
  const map = item[first];
  if (!isMap(map)) throw new Error(`the document path ${path.join('.')} is invalid for update`);
  return [map, entry];
}

/** ItemTable in a Map, with DynamoDB's semantics: copies in and out, sort-key order, conditional put. */
export class MemoryItemTable implements ItemTable {
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

  async update(key: ItemKey, update: ItemUpdate): Promise<boolean> {
    const stored = this.partitions.get(key.pk)?.get(key.sk);
    if (!stored) return false;
    for (const condition of update.when ?? [])
      if (!conditionHolds(condition, valueAt(stored, condition.path))) return false;
    // Changed on a copy, so that a refused path leaves the item as it was.
    const next = structuredClone(stored);
    for (const { path, value, ifAbsent } of update.set ?? []) {
      const [holder, name] = holderOf(next, path);
      if (!ifAbsent || holder[name] === undefined) holder[name] = structuredClone(value);
    }
    for (const path of update.remove ?? []) {
      const [holder, name] = holderOf(next, path);
      delete holder[name];
    }
    this.partitions.get(key.pk)?.set(key.sk, next);
    return true;
  }

  async increment(key: ItemKey, options: { limit: number; expiresAtSeconds: number }): Promise<boolean> {
    const stored = this.partitions.get(key.pk)?.get(key.sk);
    const count = typeof stored?.count === 'number' ? stored.count : 0;
    if (count >= options.limit) return false;
    const next: Item = stored
      ? { ...stored, count: count + 1 }
      : { ...key, count: 1, expiresAt: options.expiresAtSeconds };
    await this.put(next);
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
  /** Over a fresh MemoryItemTable, or over `table` (a test's wrapper of one). */
  constructor(table: ItemTable = new MemoryItemTable()) {
    super(table);
  }
}
