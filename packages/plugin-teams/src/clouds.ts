/**
 * The national clouds: where Entra ID signs the app in and where Graph answers, per cloud
 * (Microsoft's "National cloud deployments" table of Graph and Entra endpoints).
 */
export const CLOUDS = {
  global: { label: 'Global (commercial, GCC)', authorityHost: 'https://login.microsoftonline.com', graphHost: 'https://graph.microsoft.com' },
  usgov: { label: 'US Government L4 (GCC High)', authorityHost: 'https://login.microsoftonline.us', graphHost: 'https://graph.microsoft.us' },
  usgovdod: { label: 'US Government L5 (DoD)', authorityHost: 'https://login.microsoftonline.us', graphHost: 'https://dod-graph.microsoft.us' },
  china: { label: 'China (operated by 21Vianet)', authorityHost: 'https://login.chinacloudapi.cn', graphHost: 'https://microsoftgraph.chinacloudapi.cn' },
} as const;

export type Cloud = keyof typeof CLOUDS;
export const CLOUD_IDS = Object.keys(CLOUDS) as [Cloud, ...Cloud[]];

/** The `.default` scope of the cloud's Graph: what the client-credentials token is asked for. */
export const graphScope = (cloud: Cloud): string => `${CLOUDS[cloud].graphHost}/.default`;
