/**
 * RisPort70 `selectCmDevice` answers → registration state per device. A device can appear under
 * several nodes (registered on one, unregistered on another after a failover), so entries are
 * merged by name: `Registered` wins, then the newest TimeStamp. Pure.
 */
import { text, toArray } from '../axl/mapping.js';
import { macOfDeviceName } from '../mac.js';

export type RegistrationStatus = 'Registered' | 'UnRegistered' | 'Rejected' | 'PartiallyRegistered' | 'Unknown';

export interface Registration {
  /** Device name as CUCM has it, e.g. `SEP001A2B3C4D5E`. */
  name: string;
  mac: string | null;
  status: RegistrationStatus;
  /** CUCM's status reason code (0 when none). */
  statusReason: number | null;
  /** IPv4 address (or the first address) the phone registered from. */
  ip: string | null;
  /** The firmware the phone runs (ActiveLoadID), e.g. `sip88xx.14-2-1-0001-14`. */
  activeLoad: string | null;
  inactiveLoad: string | null;
  protocol: string | null;
  /** The CUCM node (subscriber) the entry came from. */
  node: string | null;
  /** Directory numbers with their line state, e.g. `1001-Registered`. */
  dirNumber: string | null;
  description: string | null;
  loginUserId: string | null;
  /** When CUCM last saw a change of state (TimeStamp, seconds since 1970). */
  lastSeen: Date | null;
}

type Raw = Record<string, unknown>;
const obj = (v: unknown): Raw => (v && typeof v === 'object' ? (v as Raw) : {});
const items = (v: unknown): Raw[] => toArray(obj(v).item as Raw | Raw[]).map(obj);

const STATUSES: RegistrationStatus[] = ['Registered', 'UnRegistered', 'Rejected', 'PartiallyRegistered', 'Unknown'];

export function mapDevice(raw: Raw, node: string | null): Registration {
  const name = text(raw.Name) ?? '';
  const status = STATUSES.find((s) => s.toLowerCase() === (text(raw.Status) ?? '').toLowerCase()) ?? 'Unknown';
  const ips = items(raw.IPAddress);
  const v4 = ips.find((i) => (text(i.IPAddrType) ?? '').toLowerCase() === 'ipv4') ?? ips[0];
  const ts = Number(text(raw.TimeStamp));
  const reason = Number(text(raw.StatusReason));
  return {
    name,
    mac: macOfDeviceName(name),
    status,
    statusReason: Number.isFinite(reason) ? reason : null,
    ip: (v4 ? text(v4.IP) : null) ?? text(raw.IpAddress),
    activeLoad: text(raw.ActiveLoadID),
    inactiveLoad: text(raw.InactiveLoadID),
    protocol: text(raw.Protocol),
    node,
    dirNumber: text(raw.DirNumber),
    description: text(raw.Description),
    loginUserId: text(raw.LoginUserId),
    lastSeen: Number.isFinite(ts) && ts > 0 ? new Date(ts * 1000) : null,
  };
}

/** Which of two entries for the same device tells the truth: Registered first, then the newer one. */
export function better(a: Registration, b: Registration): Registration {
  const ra = a.status === 'Registered';
  const rb = b.status === 'Registered';
  if (ra !== rb) return ra ? a : b;
  return (b.lastSeen?.getTime() ?? 0) > (a.lastSeen?.getTime() ?? 0) ? b : a;
}

/** `selectCmDeviceReturn` → registrations by uppercase device name, plus TotalDevicesFound. */
export function mapSelectCmDevice(ret: unknown): { total: number; devices: Map<string, Registration> } {
  const result = obj(obj(ret).SelectCmDeviceResult);
  const devices = new Map<string, Registration>();
  for (const node of items(result.CmNodes)) {
    const nodeName = text(node.Name);
    for (const d of items(node.CmDevices)) {
      const reg = mapDevice(d, nodeName);
      if (!reg.name) continue;
      const key = reg.name.toUpperCase();
      const seen = devices.get(key);
      devices.set(key, seen ? better(seen, reg) : reg);
    }
  }
  const total = Number(text(result.TotalDevicesFound));
  return { total: Number.isFinite(total) ? total : devices.size, devices };
}
