import type { Actor } from '../base/actor.js';
import { DialbookError } from '../base/errors.js';
import { Registry } from '../base/registry.js';
import type { JobService } from '../jobs/service.js';
import type { SyncResult } from '../plugin/sources.js';
import type { SiteDto } from '../sites/types.js';
import type { ContactSource } from './contracts.js';

/** Id of the job that syncs `sourceId` into one site: shared by the sources route and sync actions, so the two never overlap. */
export const sourceSyncJobId = (sourceId: string, siteId: string): string => `${sourceId}.sync:${siteId}`;

/** What a sync job of a source into a site is called at `GET /api/v1/jobs`. */
export const sourceSyncLabel = (source: ContactSource, site: Pick<SiteDto, 'slug'>): string => `${source.label}: sync of site "${site.slug}"`;

/** The registered contact sources (LDAP, CSV, …), and their syncs as tracked jobs. */
export class ContactSources {
  readonly registry = new Registry<ContactSource>('contact source');

  constructor(private readonly jobs: Pick<JobService, 'track'>) {}

  /**
   * Run a source's sync into a site as a tracked job (`<source>.sync:<site id>`), refusing a
   * second run of the same pair while one is going.
   */
  async sync(sourceId: string, site: Pick<SiteDto, 'id' | 'slug'>, actor: Actor): Promise<SyncResult> {
    const source = this.registry.require(sourceId);
    if (!source.sync) throw new DialbookError('DIALBOOK_SOURCE_NO_SYNC', `${source.label} cannot sync`, { status: 422 });
    const owner = this.registry.ownerOf(sourceId) ?? 'core';
    return this.jobs.track(sourceSyncJobId(sourceId, site.id), sourceSyncLabel(source, site), owner, (progress) => source.sync!({ siteId: site.id, actor, progress }));
  }
}
