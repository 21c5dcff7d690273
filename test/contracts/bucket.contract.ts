import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReleaseBucket } from '../../shared/ports.ts';

/** What a bucket adapter under test provides. */
export interface BucketFixture {
  /** A bucket with nothing in it. */
  newBucket(): Promise<ReleaseBucket>;
  /** Follows a presigned URL the way a browser would: the bytes and the Content-Disposition. */
  download(url: string): Promise<{ status: number; body: Uint8Array; disposition: string | null }>;
  stop(): Promise<void>;
}

const text = (bytes: Uint8Array | undefined): string | undefined =>
  bytes === undefined ? undefined : new TextDecoder().decode(bytes);

/** The ReleaseBucket contract: every adapter must pass these specifications. */
export function bucketContract(adapter: string, start: () => Promise<BucketFixture>): void {
  describe(`ReleaseBucket on ${adapter}`, () => {
    let fixture: BucketFixture | undefined;
    let bucket: ReleaseBucket;
    // Generous: a JVM emulator starting on a busy 2-core machine can take most of a minute.
    beforeAll(async () => {
      fixture = await start();
    }, 120_000);
    afterAll(async () => {
      await fixture?.stop();
    });
    const fresh = async (): Promise<BucketFixture> => {
      if (!fixture) throw new Error(`${adapter} did not start`);
      bucket = await fixture.newBucket();
      return fixture;
    };

    describe('put and get', () => {
      it('returns the exact bytes of text and binary objects', async () => {
        await fresh();
        const binary = new Uint8Array(70_000).map((_, i) => (i * 31) % 256);
        await bucket.put('releases/r1/report.html', '<h1>Bericht — تقرير</h1>\n', 'text/html; charset=utf-8');
        await bucket.put('releases/r1/responses.parquet', binary, 'application/vnd.apache.parquet');
        expect(text(await bucket.get('releases/r1/report.html'))).toBe('<h1>Bericht — تقرير</h1>\n');
        expect(await bucket.get('releases/r1/responses.parquet')).toEqual(binary);
      });

      it('returns undefined for a missing key', async () => {
        await fresh();
        expect(await bucket.get('releases/none/manifest.json')).toBeUndefined();
      });

      it('replaces an object put again under the same key', async () => {
        await fresh();
        await bucket.put('releases/latest.json', '{"releaseId":"a"}', 'application/json');
        await bucket.put('releases/latest.json', '{"releaseId":"b"}', 'application/json');
        expect(text(await bucket.get('releases/latest.json'))).toBe('{"releaseId":"b"}');
      });
    });

    describe('list', () => {
      it('returns the keys under a prefix in key order, and nothing else', async () => {
        await fresh();
        for (const key of [
          'releases/r2/b.csv',
          'releases/r2/a.csv',
          'releases/r10/a.csv',
          'staging/r2/x.json',
        ]) {
          await bucket.put(key, key, 'text/plain');
        }
        expect(await bucket.list('releases/r2/')).toEqual(['releases/r2/a.csv', 'releases/r2/b.csv']);
        expect(await bucket.list('nothing/')).toEqual([]);
      });

      it('returns every key when the listing spans several pages', async () => {
        await fresh();
        const keys = Array.from({ length: 45 }, (_, i) => `staging/s/${String(i).padStart(4, '0')}.json`);
        await Promise.all(keys.map((key) => bucket.put(key, '{}', 'application/json')));
        await bucket.put('staging/t/0000.json', '{}', 'application/json');
        expect(await bucket.list('staging/s/')).toEqual(keys);
      });
    });

    describe('delete', () => {
      it('removes the keys given, leaves the others, and ignores keys that do not exist', async () => {
        await fresh();
        for (const key of ['staging/a', 'staging/b', 'staging/c']) await bucket.put(key, key, 'text/plain');
        await bucket.delete(['staging/a', 'staging/c', 'staging/never']);
        expect(await bucket.list('staging/')).toEqual(['staging/b']);
        await bucket.delete([]);
        expect(await bucket.list('staging/')).toEqual(['staging/b']);
      });
    });

    describe('presignGet', () => {
      it('gives a URL that downloads the object', async () => {
        const { download } = await fresh();
        await bucket.put('releases/r1/site_session_summary.csv', 'site,session\nwien,1\n', 'text/csv');
        const url = await bucket.presignGet('releases/r1/site_session_summary.csv', 300);
        const got = await download(url);
        expect(got.status).toBe(200);
        expect(text(got.body)).toBe('site,session\nwien,1\n');
      });

      it('names the download when a name is given, non-ASCII included', async () => {
        const { download } = await fresh();
        await bucket.put('releases/r1/codebook.md', '# Codebook\n', 'text/markdown');
        const url = await bucket.presignGet(
          'releases/r1/codebook.md',
          300,
          'alliance-2027 codebook (Zürich).md',
        );
        const got = await download(url);
        expect(text(got.body)).toBe('# Codebook\n');
        expect(got.disposition).toContain('attachment');
        expect(got.disposition).toContain("filename*=UTF-8''alliance-2027%20codebook%20(Z%C3%BCrich).md");
      });
    });
  });
}
