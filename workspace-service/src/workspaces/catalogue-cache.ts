import { ReadThroughCache } from '@cowork/service-kit';
import { Injectable } from '@nestjs/common';
import { WorkspaceServiceConfig } from '../config.js';

/**
 * The public catalogue reads (GET /workspaces, GET /workspaces/:id) answered from memory for
 * CATALOGUE_CACHE_MS: they are most of the traffic, and a database round trip plus mapping
 * costs eight times the framework's own work per request (bench/README.md). Any write through
 * this process empties it at once. What it can make stale, for at most CATALOGUE_CACHE_MS, is
 * what another replica wrote: a workspace deactivated or with new rules there is still seen as
 * before here. At most 1000 entries (lists by filter and cursor, and single workspaces); a
 * failed or not-found read is never kept; concurrent reads of one key share one query.
 */
@Injectable()
export class CatalogueCache {
  private readonly cache: ReadThroughCache<unknown>;

  constructor(config: WorkspaceServiceConfig) {
    this.cache = new ReadThroughCache(config.CATALOGUE_CACHE_MS);
  }

  read<T>(key: string, load: () => Promise<T>): Promise<T> {
    return this.cache.read(key, load) as Promise<T>;
  }

  /** After any write: the next read goes to the database. */
  clear(): void {
    this.cache.clear();
  }
}
