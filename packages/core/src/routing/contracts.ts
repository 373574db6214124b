/** Carries out a routing decision on a telephony engine (Asterisk FastAGI). Filled by the routing issue. */
export interface RouteExecutor {
  id: string;
  label: string;
  health?(): Promise<{ ok: boolean; message: string }>;
}
