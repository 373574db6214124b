import type { MikroORM } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import { assertSiteAccess, siteCondition } from '../base/access.js';
import { dialectOf } from '../db/orm.js';
import { fold } from '../base/text.js';
import { parseInput } from '../base/validate.js';

export const FacetSchema = z.object({ value: z.string(), count: z.number().int() }).meta({ id: 'ContactFacet' });
export const ContactFacetsSchema = z
  .object({
    departments: z.array(FacetSchema).meta({ description: 'Departments, one spelling each (the filter ignores case and accents), by name' }),
    tags: z.array(FacetSchema).meta({ description: 'Tags, one spelling each (the filter ignores case and accents), by name' }),
    sources: z.array(FacetSchema).meta({ description: 'Where contacts came from (`manual`, `csv`, a plugin id), by name' }),
  })
  .meta({ id: 'ContactFacets' });
export const ContactFacetsQuerySchema = z.object({
  siteId: z.uuid().optional().meta({ description: 'One site; omitted: every site the caller may see' }),
  status: z.enum(['active', 'deleted', 'all']).default('active').meta({ description: 'Which contacts are counted, as for the list' }),
});

export type ContactFacet = z.infer<typeof FacetSchema>;
export type ContactFacets = z.infer<typeof ContactFacetsSchema>;
export type ContactFacetsQuery = z.input<typeof ContactFacetsQuerySchema>;

/**
 * The values the contact list's department, tag and source filters can take, with how many contacts
 * carry each: within the caller's sites (like the list), optionally one site, active contacts by default.
 * Spellings that the filters treat as one (`Sales`, `sales`; `VIP`, `vip`) are counted together under the
 * most frequent spelling. Every value is a bound parameter.
 */
export async function contactFacets(orm: MikroORM, query: ContactFacetsQuery = {}): Promise<ContactFacets> {
  const q = parseInput(ContactFacetsQuerySchema, query);
  const em = orm.em.fork() as SqlEntityManager;
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.siteId) {
    assertSiteAccess(q.siteId, 'site', q.siteId);
    where.push('c.site_id = ?');
    params.push(q.siteId);
  }
  const scope = siteCondition('c.site_id');
  where.push(scope.sql);
  params.push(...scope.params);
  if (q.status === 'active') where.push('c.deleted_at is null');
  if (q.status === 'deleted') where.push('c.deleted_at is not null');
  const cond = where.map((w) => `(${w})`).join(' and ');
  const tagRows =
    dialectOf(orm) === 'postgresql'
      ? `select t.value as value, count(distinct c.id) as n from contact c cross join lateral jsonb_array_elements_text(c.tags) as t(value) where ${cond} group by t.value`
      : `select j.value as value, count(distinct c.id) as n from contact c, json_each(c.tags) j where ${cond} and j.type = 'text' group by j.value`;
  const [departments, tags, sources] = await Promise.all([
    em.execute<Row[]>(`select c.department as value, count(*) as n from contact c where ${cond} and c.department is not null and c.department <> '' group by c.department`, params),
    em.execute<Row[]>(tagRows, params),
    em.execute<Row[]>(`select c.source as value, count(*) as n from contact c where ${cond} group by c.source`, params),
  ]);
  return { departments: merge(departments), tags: merge(tags), sources: merge(sources, (s) => s) };
}

interface Row {
  value: string;
  n: number | string;
}

/** One entry per folded key: counts added, the most frequent spelling shown; by name. */
function merge(rows: Row[], key: (v: string) => string = fold): ContactFacet[] {
  const groups = new Map<string, { value: string; best: number; count: number }>();
  for (const r of rows) {
    const n = Number(r.n);
    const k = key(r.value);
    const g = groups.get(k);
    if (!g) groups.set(k, { value: r.value, best: n, count: n });
    else {
      g.count += n;
      if (n > g.best || (n === g.best && r.value < g.value)) Object.assign(g, { value: r.value, best: n });
    }
  }
  return [...groups.values()].map(({ value, count }) => ({ value, count })).sort((a, b) => a.value.localeCompare(b.value, undefined, { sensitivity: 'base' }));
}
