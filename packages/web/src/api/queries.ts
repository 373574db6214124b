/** Queries several pages share. */
import { useQuery } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, ok } from './client';

export const useSites = () => useQuery({ queryKey: ['sites'], queryFn: () => ok(api.GET('/sites')).then((r) => r.items) });
export const usePlugins = () => useQuery({ queryKey: ['plugins'], queryFn: () => ok(api.GET('/plugins')).then((r) => r.items) });
export const usePhonebooks = () => useQuery({ queryKey: ['phonebooks'], queryFn: () => ok(api.GET('/phonebooks')).then((r) => r.items) });

/** A site's name by id ('' while the sites load or for an unknown id); a new function only when the sites change. */
export function useSiteName(): (id: string | null | undefined) => string {
  const sites = useSites().data;
  return useCallback((id) => (id ? (sites?.find((s) => s.id === id)?.name ?? '') : ''), [sites]);
}
