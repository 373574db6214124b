/** Queries several pages share. */
import { useQuery } from '@tanstack/react-query';
import { api, ok } from './client';

export const useSites = () => useQuery({ queryKey: ['sites'], queryFn: () => ok(api.GET('/sites')).then((r) => r.items) });
export const usePlugins = () => useQuery({ queryKey: ['plugins'], queryFn: () => ok(api.GET('/plugins')).then((r) => r.items) });
