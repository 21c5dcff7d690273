import type { Link } from '../ports.ts';

// A link's owner never changes; only its withdrawn mark does, and openLink trusts a kept link only
// while the owner's fresh item vouches for it (see there). So a process may keep links it has
// opened and skip reading them again, which saves one of a submission's four store calls.

/** Links a process has opened, by token hash; the oldest are dropped beyond `maxEntries`. */
export class LinkCache {
  private readonly links = new Map<string, Link>();

  constructor(private readonly maxEntries = 10_000) {}

  get(tokenHash: string): Link | undefined {
    return this.links.get(tokenHash);
  }

  /** Keeps a link that opened (never a tombstone). */
  keep(link: Link): void {
    if (link.withdrawn) return;
    if (!this.links.has(link.tokenHash) && this.links.size >= this.maxEntries) {
      const oldest = this.links.keys().next().value;
      if (oldest !== undefined) this.links.delete(oldest);
    }
    this.links.set(link.tokenHash, link);
  }

  forget(tokenHash: string): void {
    this.links.delete(tokenHash);
  }
}
