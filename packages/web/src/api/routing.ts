/** Routing's queries and types (issue 15): clients, DIDs, campaigns, their links and live counters. */
import { useQuery } from '@tanstack/react-query';
import { api, ok, type Schemas } from './client';

export type RoutingClient = Schemas['RoutingClient'];
export type RoutingDid = Schemas['RoutingDid'];
export type RoutingCampaign = Schemas['RoutingCampaign'];
export type RoutingLink = Schemas['RoutingLink'];
export type Hours = Schemas['RoutingHours'];
export type Caps = Schemas['RoutingCaps'];
export type DecisionPreview = Schemas['RoutingDecisionPreview'];
export type LinkCounters = Schemas['RoutingCampaignCounters']['items'][number];

/** Clients (admin and staff only: a seller's request is 403, so sellers never ask). */
export const useRoutingClients = (enabled = true) => useQuery({ queryKey: ['routing', 'clients'], enabled, queryFn: () => ok(api.GET('/routing/clients')).then((r) => r.items) });
export const useDids = () => useQuery({ queryKey: ['routing', 'dids'], queryFn: () => ok(api.GET('/routing/dids')).then((r) => r.items) });
export const useCampaigns = () => useQuery({ queryKey: ['routing', 'campaigns'], queryFn: () => ok(api.GET('/routing/campaigns')).then((r) => r.items) });
export const useCampaign = (id: string) => useQuery({ queryKey: ['routing', 'campaigns', id], queryFn: () => ok(api.GET('/routing/campaigns/{id}', { params: { path: { id } } })) });
export const useLinks = (campaignId: string) =>
  useQuery({ queryKey: ['routing', 'links', campaignId], queryFn: () => ok(api.GET('/routing/campaigns/{id}/links', { params: { path: { id: campaignId } } })).then((r) => r.items) });

/** How often the live counters refresh while a campaign is open. */
export const COUNTERS_EVERY_MS = 3000;
/** A campaign's live counters per link, polled every few seconds (the core has no push channel). */
export const useCounters = (campaignId: string) =>
  useQuery({
    queryKey: ['routing', 'counters', campaignId],
    refetchInterval: COUNTERS_EVERY_MS,
    queryFn: () => ok(api.GET('/routing/campaigns/{id}/counters', { params: { path: { id: campaignId } } })),
  });

export const STRATEGY_LABELS: Record<RoutingCampaign['strategy'], string> = { priority: 'Priority', round_robin: 'Round robin', weighted: 'Weighted' };
