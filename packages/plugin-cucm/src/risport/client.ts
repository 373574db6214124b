/**
 * RisPort70 client: the registration state of devices (status, IP, firmware, last seen) with
 * `selectCmDevice` — POST https://host:8443/realtimeservice2/services/RISService70 — asked by
 * explicit device names, at most 1000 per request, each request taken from a `RateBudget`
 * (15 a minute by default, shared with every other RisPort client of the cluster). A
 * `Server.RateControl` fault is a THROTTLED error: the client waits out the window and retries.
 *
 * @example
 * const ris = new RisClient({ host: 'cucm-pub', username, password, tls: { ca } });
 * const state = await ris.selectCmDevice(['SEP001A2B3C4D5E']);
 * state.get('SEP001A2B3C4D5E')?.status; // 'Registered'
 */
import { createClientAsync, type Client } from 'soap';
import { CucmError, isCucmError } from '../errors.js';
import { systemClock, type Clock } from '../retry.js';
import { Transport, type TlsOptions } from '../transport.js';
import { RIS_PATH, risportWsdl } from '../wsdl/risport.js';
import { InProcessRateBudget, type RateBudget } from './budget.js';
import { classifyRisError } from './classify.js';
import { mapSelectCmDevice, type Registration } from './mapping.js';

/** RisPort70 answers at most this many devices per request. */
export const RIS_MAX_DEVICES = 1000;

export interface RisClientOptions {
  /** Any CUCM node; the publisher answers for the whole cluster. */
  host: string;
  port?: number;
  username: string;
  password: string;
  tls?: TlsOptions;
  timeoutMs?: number;
  /** Shared request budget (default: an in-process 15 a minute). */
  budget?: RateBudget;
  /** Tries per batch when CUCM says the rate is exceeded (default 3). */
  attempts?: number;
  /** How long a RateControl fault makes the client wait (default the one-minute window). */
  rateWindowMs?: number;
  clock?: Clock;
  plugin?: string;
  onEvent?: (e: { type: 'rate-limited'; waitMs: number; attempt: number } | { type: 'request'; devices: number }) => void;
}

export interface SelectOptions {
  /** `Phone` (default) or `Any`. */
  deviceClass?: 'Phone' | 'Any';
}

export class RisClient {
  readonly endpoint: string;
  readonly url: string;
  readonly budget: RateBudget;
  private readonly transport: Transport;
  private readonly clock: Clock;
  private client: Promise<Client> | null = null;

  constructor(private readonly options: RisClientOptions) {
    const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
    this.endpoint = `${host}:${options.port ?? 8443}`;
    this.url = `https://${this.endpoint}${RIS_PATH}`;
    this.clock = options.clock ?? systemClock;
    this.budget = options.budget ?? new InProcessRateBudget({ clock: this.clock });
    this.transport = new Transport({ username: options.username, password: options.password, timeoutMs: options.timeoutMs ?? 30_000, ...(options.tls ? { tls: options.tls } : {}) });
  }

  /**
   * Registration state of the named devices, by uppercase name; devices CUCM has never seen
   * registering are absent. One request per 1000 names, each from the budget.
   */
  async selectCmDevice(names: readonly string[], options: SelectOptions = {}): Promise<Map<string, Registration>> {
    const unique = [...new Set(names.map((n) => n.trim().toUpperCase()).filter(Boolean))];
    const out = new Map<string, Registration>();
    for (let i = 0; i < unique.length; i += RIS_MAX_DEVICES) {
      const batch = unique.slice(i, i + RIS_MAX_DEVICES);
      const { devices } = await this.request(batch, options);
      for (const [k, v] of devices) out.set(k, v);
    }
    return out;
  }

  /** One device's state, or null when RisPort does not know it. */
  async registration(name: string): Promise<Registration | null> {
    return (await this.selectCmDevice([name])).get(name.trim().toUpperCase()) ?? null;
  }

  /** One request (for a name no device has), to see RisPort answer at all. Uses one unit of budget. */
  async ping(): Promise<{ totalDevicesFound: number }> {
    const { total } = await this.request(['SEP000000000000'], {});
    return { totalDevicesFound: total };
  }

  close(): void {
    this.transport.close();
  }

  private soap(): Promise<Client> {
    if (!this.client) {
      this.client = createClientAsync(risportWsdl(), { endpoint: this.url, httpClient: this.transport });
      this.client.catch(() => (this.client = null));
    }
    return this.client;
  }

  private async request(batch: string[], options: SelectOptions): Promise<ReturnType<typeof mapSelectCmDevice>> {
    const client = await this.soap();
    const args = {
      StateInfo: '',
      CmSelectionCriteria: {
        MaxReturnedDevices: RIS_MAX_DEVICES,
        DeviceClass: options.deviceClass ?? 'Phone',
        Model: 255,
        Status: 'Any',
        NodeName: '',
        SelectBy: 'Name',
        SelectItems: { item: batch.map((Item) => ({ Item })) },
        Protocol: 'Any',
        DownloadStatus: 'Any',
      },
    };
    const attempts = Math.max(1, this.options.attempts ?? 3);
    const ctx = { endpoint: this.endpoint, host: this.options.host, timeoutMs: this.transport.timeoutMs, ...(this.options.plugin ? { plugin: this.options.plugin } : {}), ...(this.options.rateWindowMs ? { windowMs: this.options.rateWindowMs } : {}) };
    for (let attempt = 1; ; attempt++) {
      await this.budget.take();
      this.options.onEvent?.({ type: 'request', devices: batch.length });
      try {
        const [res] = (await client.selectCmDeviceAsync(args)) as [Record<string, unknown> | null];
        return mapSelectCmDevice(res?.selectCmDeviceReturn);
      } catch (err) {
        const res = (err as { response?: { status?: number; usedSession?: boolean } } | null)?.response;
        if (res?.usedSession && (res.status === 401 || res.status === 404)) {
          this.transport.dropSession();
          attempt--;
          continue;
        }
        const e = err instanceof CucmError || isCucmError(err) ? err : classifyRisError(err, ctx);
        if (!e.retryable || attempt >= attempts) throw e;
        const waitMs = e.info.retryAfterMs ?? 60_000;
        this.options.onEvent?.({ type: 'rate-limited', waitMs, attempt });
        await this.clock.sleep(waitMs);
      }
    }
  }
}
