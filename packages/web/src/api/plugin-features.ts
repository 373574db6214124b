/**
 * What plugins registered beyond actions, read from the API's metadata so the app needs no code per
 * plugin: secret contact attributes and enrichers (`GET /enrichers`, staff), CSV attribute imports
 * (`GET /imports`, staff) and views (`GET /plugins`: pages and contact panels filled by a plugin's routes).
 */
import { useQuery } from '@tanstack/react-query';
import { useAuth } from '../auth';
import { api, getJson, ok, type Contact, type Schemas } from './client';
import { usePlugins } from './queries';

export type PluginView = Schemas['PluginView'];
export type ViewColumn = PluginView['columns'][number];
export type EnrichmentState = Schemas['EnrichmentState'];
export type AttributeImport = Schemas['AttributeImport'];

/** Enrichers with their pending contacts, and the registered secret attributes (staff; undefined data for others). */
export function useEnrichment(options: { refetchInterval?: number } = {}) {
  const { isAtLeast } = useAuth();
  return useQuery({ queryKey: ['enrichers'], queryFn: () => ok(api.GET('/enrichers')), enabled: isAtLeast('staff'), ...options });
}

/** The registered CSV attribute imports (staff). */
export function useImports() {
  const { isAtLeast } = useAuth();
  return useQuery({ queryKey: ['imports'], queryFn: () => ok(api.GET('/imports')).then((r) => r.items), enabled: isAtLeast('staff'), staleTime: 60_000 });
}

/** Every plugin view the signed-in user may see (its `access`), of one scope. */
export function useViews(scope: PluginView['scope']): { views: PluginView[]; query: ReturnType<typeof usePlugins> } {
  const { isAtLeast } = useAuth();
  // What is registered changes only with a restart: no need to run the health checks on every page.
  const query = usePlugins({ staleTime: 60_000, registered: true });
  const views = (query.data ?? []).flatMap((p) => p.views).filter((v) => v.scope === scope && isAtLeast(v.access));
  return { views, query };
}

/**
 * The page of a global view: `/views/<plugin instance>/<view>` (`tools.phone-lookup` → `/views/tools/phone-lookup`).
 * Core serves the app for page paths without a file extension only, so the id's dot is not in the last segment.
 */
export function viewPath(view: Pick<PluginView, 'id'>): string {
  const dot = view.id.indexOf('.');
  return dot < 0 ? `/views/${encodeURIComponent(view.id)}` : `/views/${encodeURIComponent(view.id.slice(0, dot))}/${encodeURIComponent(view.id.slice(dot + 1))}`;
}

/** What a view's route answers: rows keyed by the view's column keys, and optionally why they are few or none, in words. */
export interface ViewAnswer {
  items: Record<string, unknown>[];
  /** "CUCM has no phone SEP…", "Registration state unavailable: …": shown in the empty state or above the rows. */
  message?: string;
}

/** `GET <view url>?<params>`: the rows and the answer's `message` (a non-empty string, else none), or the route's problem as an `ApiError`. */
export async function fetchView(view: PluginView, params: URLSearchParams): Promise<ViewAnswer> {
  const qs = params.toString();
  const answer = await getJson<{ items?: unknown; message?: unknown } | null>(`${view.url}${qs ? `?${qs}` : ''}`);
  if (!answer || !Array.isArray(answer.items)) throw new Error(`The route of the view “${view.label}” answered no list of items.`);
  const items = answer.items.filter((i): i is Record<string, unknown> => !!i && typeof i === 'object');
  const message = typeof answer.message === 'string' ? answer.message.trim() : '';
  return message ? { items, message } : { items };
}

/** A contact's attribute at `ns` or `ns.key` (undefined when absent). */
export function attributeAt(attributes: Contact['attributes'], path: string): unknown {
  const dot = path.indexOf('.');
  return dot < 0 ? attributes[path] : attributes[path.slice(0, dot)]?.[path.slice(dot + 1)];
}

const present = (v: unknown) => v !== undefined && v !== null && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0);

/** Whether a contact meets a view's `when` (every `hasAttribute` present). */
export const meetsWhen = (contact: Contact, when: PluginView['when']): boolean => (when?.hasAttribute ?? []).every((path) => present(attributeAt(contact.attributes, path)));
