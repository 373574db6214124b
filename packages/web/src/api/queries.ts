/** Queries several pages share. */
import { useQuery, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, ok } from './client';

export const useSites = () => useQuery({ queryKey: ['sites'], queryFn: () => ok(api.GET('/sites')).then((r) => r.items) });
/** `GET /plugins` (which runs every health check): `staleTime` for readers that need only what is registered. */
/** The loaded plugins with their health (the Plugins page); `registered: true` without running the health checks (what plugins registered: navigation, panels, menus). */
export const usePlugins = (options: { staleTime?: number; registered?: boolean } = {}) =>
  useQuery({
    queryKey: ['plugins', options.registered ? 'registered' : 'health'],
    queryFn: () => ok(api.GET('/plugins', { params: { query: { health: options.registered ? 'false' : 'true' } } })).then((r) => r.items),
    ...(options.staleTime !== undefined ? { staleTime: options.staleTime } : {}),
  });
export const usePhonebooks = () => useQuery({ queryKey: ['phonebooks'], queryFn: () => ok(api.GET('/phonebooks')).then((r) => r.items) });

/** A site's name by id ('' while the sites load or for an unknown id); a new function only when the sites change. */
export function useSiteName(): (id: string | null | undefined) => string {
  const sites = useSites().data;
  return useCallback((id) => (id ? (sites?.find((s) => s.id === id)?.name ?? '') : ''), [sites]);
}

/**
 * An API call whose success makes some lists stale: it throws the call's problem (a confirmation dialog shows
 * it), else refreshes the queries under `keys`. `onConfirm={() => call(api.DELETE('/sites/{id}', path), ['sites'])}`
 */
export function useCallAndRefresh(): (call: Promise<{ response: Response; error?: unknown }>, keys: QueryKey[]) => Promise<void> {
  const queries = useQueryClient();
  return useCallback(
    async (call, keys) => {
      await ok(call);
      await Promise.all(keys.map((queryKey) => queries.invalidateQueries({ queryKey })));
    },
    [queries],
  );
}
