import { UniqueConstraintViolationException, type EntityManager, type MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { assertSiteField } from '../base/access.js';
import type { Actor } from '../base/actor.js';
import { DialbookError } from '../base/errors.js';
import { parseInput } from '../base/validate.js';
import type { ContactEdits } from './edits.js';
import { ContactEntity, type Contact } from './entities.js';
import { normalise, sourcePatch, type SourceBody } from './merge.js';
import { loadPhones, plainContacts } from './phones.js';
import { createdResult, type ContactPipeline, type Step, type UpsertResult } from './pipeline.js';
import { countryOf } from './reads.js';
import { ContactRows } from './rows.js';
import { ContactCreateSchema, ContactUpdateSchema } from './types.js';

/** One entry of a source for {@link SourceUpserts.upsertMany}. */
export interface SourceItem {
  externalId: string;
  body: SourceBody;
}

/** What became of one {@link SourceItem}: written (or unchanged), or refused with the reason. */
export type SourceItemResult = UpsertResult | { error: DialbookError };

/** An item's error as its result when it is a refusal (validation, a filter, a conflict); anything else is thrown on. */
function refusal(err: unknown): SourceItemResult {
  if (err instanceof DialbookError) return { error: err };
  throw err;
}

/** The contacts a source owns, written from its entries one at a time or a page at a time. */
export class SourceUpserts {
  constructor(
    private readonly orm: MikroORM,
    private readonly pipeline: ContactPipeline,
    private readonly edits: ContactEdits,
    private readonly defaultCountry: string | null | undefined,
  ) {}

  /** See `ContactService.upsertFromSource`. */
  async upsert(siteId: string, source: string, externalId: string, body: SourceBody, actor: Actor): Promise<UpsertResult> {
    assertSiteField(siteId);
    const existing = await this.orm.em.fork().findOne(ContactEntity, { site: siteId, source, externalId });
    let result: UpsertResult;
    if (!existing) result = createdResult(await this.edits.create({ ...body, siteId, source, externalId }, actor));
    else result = await this.edits.update(existing.id, sourcePatch(body, existing.attributes), actor, { restore: true, fromSource: true });
    await this.pipeline.synced(result, source);
    return result;
  }

  /** See `ContactService.upsertManyFromSource`. */
  async upsertMany(siteId: string, source: string, items: readonly SourceItem[], actor: Actor): Promise<SourceItemResult[]> {
    assertSiteField(siteId);
    const results: SourceItemResult[] = new Array(items.length);
    // An externalId twice in one batch: the later one waits for the earlier one's result.
    const seen = new Set<string>();
    const batch: number[] = [];
    const later: number[] = [];
    items.forEach((it, i) => (seen.has(it.externalId) ? later : (seen.add(it.externalId), batch)).push(i));

    let staged: { i: number; result: UpsertResult }[];
    try {
      staged = await this.orm.em.fork().transactional(async (em) => {
        const country = await countryOf(em, siteId, this.defaultCountry, true);
        const existing = await this.owned(em, siteId, source, batch.map((i) => items[i]!.externalId));
        const phones = await loadPhones(em, [...existing.values()].map((c) => c.id));
        const rows = new ContactRows();
        const step: Step = { actor, now: new Date(), country: () => Promise.resolve(country) };
        const out: { i: number; result: UpsertResult }[] = [];
        for (const i of batch) {
          const { externalId, body } = items[i]!;
          const c = existing.get(externalId);
          try {
            if (c) {
              const patch = parseInput(ContactUpdateSchema, sourcePatch(body, c.attributes));
              out.push({ i, result: await this.pipeline.update(rows, c, phones.get(c.id) ?? [], patch, { ...step, fromSource: true }) });
            } else {
              const input = await this.pipeline.beforeSave(normalise(parseInput(ContactCreateSchema, { ...body, siteId, source, externalId })), null, siteId, actor);
              out.push({ i, result: createdResult(this.pipeline.stageNew(rows, siteId, input, country, actor, step.now)) });
            }
          } catch (err) {
            results[i] = refusal(err);
          }
        }
        await rows.flush(em);
        return out;
      });
    } catch (err) {
      if (!(err instanceof UniqueConstraintViolationException)) throw err;
      staged = [];
      later.unshift(...batch.filter((i) => !results[i]));
      later.sort((a, b) => a - b);
    }

    for (const { i, result } of staged) {
      await this.pipeline.contactEvents(result, actor);
      await this.pipeline.synced(result, source);
      results[i] = result;
    }
    if (this.pipeline.anyChange(staged.map((s) => s.result))) await this.pipeline.phonebookChanged(siteId, 'contact.synced');
    for (const i of later) {
      try {
        results[i] = await this.upsert(siteId, source, items[i]!.externalId, items[i]!.body, actor);
      } catch (err) {
        results[i] = refusal(err);
      }
    }
    return results;
  }

  /**
   * The contacts of `source` in the site with these externalIds, by externalId: plain rows, no
   * entities made (most of a page is usually unchanged, and only read).
   */
  private async owned(em: EntityManager, siteId: string, source: string, ids: string[]): Promise<Map<string, Contact>> {
    const existing = new Map<string, Contact>();
    for (let k = 0; k < ids.length; k += 500) {
      const rows = await plainContacts(
        (em as SqlEntityManager)
          .createQueryBuilder(ContactEntity)
          .select('*')
          .where({ site: siteId, source, externalId: { $in: ids.slice(k, k + 500) } }),
      );
      for (const c of rows) existing.set(c.externalId!, c);
    }
    return existing;
  }
}
