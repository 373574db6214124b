/**
 * RisPort70 `selectCmDevice` / `selectCmDeviceExt` of the CUCM double (WSDL: ./risport70.wsdl).
 * Answers per node with the CmDevice fields in Cisco's order, and enforces the cluster's rate
 * limit: more than `perMinute` requests within a minute get CUCM's `Server.RateControl` fault.
 */
import type { CucmData, DoublePhone, DoubleRegistration } from './cucm-data.js';
import { rateControlFault, type FaultRule } from './faults.js';

export interface RisCounters {
  /** Every selectCmDevice request that reached the service. */
  requests: number;
  /** Answered with devices. */
  accepted: number;
  /** Refused with Server.RateControl (by the budget or injected). */
  rateLimited: number;
  /** The most requests accepted within any one window. */
  maxInWindow: number;
  /** Device names asked for, over all requests. */
  devicesAsked: number;
}

export interface RisServiceOptions {
  data: CucmData;
  perMinute: () => number;
  windowMs: number;
  now: () => number;
  hang: () => Promise<never>;
  counters: RisCounters;
}

const MAX = 1000;

function device(p: DoublePhone, r: DoubleRegistration): Record<string, unknown> {
  return {
    Name: p.name,
    DirNumber: p.lines.map((l) => `${l.dn}-${r.status}`).join(','),
    DeviceClass: 'Phone',
    Model: '36670',
    Product: '36711',
    BoxProduct: '0',
    Httpd: 'Yes',
    RegistrationAttempts: '0',
    IsCtiControllable: 'true',
    LoginUserId: '',
    Status: r.status,
    StatusReason: String(r.statusReason ?? 0),
    PerfMonObject: '2',
    DChannel: '0',
    Description: p.description,
    H323Trunk: { ConfigName: '', TechPrefix: '', Zone: '', RemoteCmServer1: '', RemoteCmServer2: '', RemoteCmServer3: '', AltGkList: '', ActiveGk: '', CallSignalAddr: '', RasAddr: '' },
    TimeStamp: String(r.timestamp),
    Protocol: p.protocol,
    NumOfLines: String(p.lines.length),
    LinesStatus: { item: p.lines.map((l) => ({ DirectoryNumber: l.dn, Status: r.status === 'Registered' ? 'Registered' : 'UnRegistered' })) },
    ActiveLoadID: r.activeLoad ?? '',
    InactiveLoadID: r.activeLoad ?? '',
    DownloadStatus: 'Successful',
    DownloadFailureReason: '',
    DownloadServer: '',
    IPAddress: r.ip ? { item: [{ IP: r.ip, IPAddrType: 'ipv4', Attribute: 'Unknown' }] } : '',
  };
}

const toArray = <T>(v: T | T[] | null | undefined): T[] => (v === null || v === undefined ? [] : Array.isArray(v) ? v : [v]);

export function risService(o: RisServiceOptions): Record<string, unknown> {
  const accepted: number[] = [];
  const select = (action: string) => async (args: Record<string, unknown>, _cb: unknown, _headers: unknown, req: { double?: { fault: FaultRule | null } }) => {
    const c = o.counters;
    c.requests++;
    const fault = req?.double?.fault;
    if (fault?.kind === 'hang') return o.hang();
    const now = o.now();
    while (accepted.length && accepted[0]! <= now - o.windowMs) accepted.shift();
    if (fault?.kind === 'rate-control' || accepted.length >= o.perMinute()) {
      c.rateLimited++;
      throw rateControlFault(o.perMinute(), action);
    }
    const criteria = (args.CmSelectionCriteria ?? {}) as Record<string, unknown>;
    const items = toArray((criteria.SelectItems as { item?: unknown } | undefined)?.item as { Item?: string } | { Item?: string }[]).map((i) => String(i?.Item ?? ''));
    if (items.length > MAX || Number(criteria.MaxReturnedDevices ?? MAX) > MAX) {
      throw { Fault: { statusCode: 500, faultcode: 'soapenv:Server', faultstring: `MaxReturnedDevices and SelectItems may not exceed ${MAX}` } };
    }
    accepted.push(now);
    c.accepted++;
    c.maxInWindow = Math.max(c.maxInWindow, accepted.length);
    c.devicesAsked += items.length;
    const patterns = items.map((i) => new RegExp(`^${i.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i'));
    const phones = [...o.data.phones.values()].filter((p) => patterns.some((re) => re.test(p.name)));
    let total = 0;
    const nodes = o.data.nodes.map((node) => {
      const devices = phones.flatMap((p) => p.registrations.filter((r) => r.node === node).map((r) => device(p, r)));
      total += devices.length;
      return { ReturnCode: devices.length ? 'Ok' : 'NotFound', Name: node, NoChange: 'false', CmDevices: devices.length ? { item: devices } : '' };
    });
    return { selectCmDeviceReturn: { SelectCmDeviceResult: { TotalDevicesFound: String(total), CmNodes: { item: nodes } }, StateInfo: `<StateInfo><Node Name="${o.data.nodes[0]}" SubsystemStartTime="1700000000" StateId="42" TotalItemsFound="${total}" TotalItemsReturned="${total}"/></StateInfo>` } };
  };
  return { RISService70: { RisPort70: { selectCmDevice: select('selectCmDevice'), selectCmDeviceExt: select('selectCmDeviceExt') } } };
}
