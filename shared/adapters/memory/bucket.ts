import type { ReleaseBucket } from '../../ports.ts';

/** ReleaseBucket in memory, for fast unit tests; presignGet returns a `memory://` URL. */
export class MemoryReleaseBucket implements ReleaseBucket {
  private readonly objects = new Map<string, { body: Uint8Array; contentType: string }>();

  async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body.slice();
    this.objects.set(key, { body: bytes, contentType });
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    return this.objects.get(key)?.body.slice();
  }

  /** The content type an object was stored with (for tests that check it). */
  contentTypeOf(key: string): string | undefined {
    return this.objects.get(key)?.contentType;
  }

  async list(prefix: string): Promise<string[]> {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  async delete(keys: string[]): Promise<void> {
    for (const key of keys) this.objects.delete(key);
  }

  async presignGet(key: string, expiresInSeconds: number, downloadName?: string): Promise<string> {
    const url = new URL(`memory://bucket/${key.split('/').map(encodeURIComponent).join('/')}`);
    url.searchParams.set('expires', String(expiresInSeconds));
    if (downloadName !== undefined) url.searchParams.set('download', downloadName);
    return url.toString();
  }
}
