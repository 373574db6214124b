/**
 * The in-memory CUCM behind the test double: end users (with associated devices), phones (with
 * owner, lines and registration state per node) and forced authorization codes. Plain data and
 * SQL-LIKE matching; no protocol here.
 */
import { randomUUID } from 'node:crypto';

export interface DoubleLine {
  index: number;
  dn: string;
  partition?: string | null;
  label?: string;
  display?: string;
}

export interface DoubleRegistration {
  /** CUCM node (subscriber) the phone registered with. */
  node: string;
  status: 'Registered' | 'UnRegistered' | 'Rejected' | 'PartiallyRegistered' | 'Unknown';
  ip?: string;
  activeLoad?: string;
  /** Seconds since 1970. */
  timestamp: number;
  statusReason?: number;
}

export interface DoublePhone {
  uuid: string;
  name: string;
  description: string;
  model: string;
  product: string;
  protocol: 'SIP' | 'SCCP';
  devicePool: string;
  location: string;
  callingSearchSpace: string | null;
  /** Owner User ID. */
  owner: string | null;
  lines: DoubleLine[];
  /** Entries RisPort reports (none: never registered). */
  registrations: DoubleRegistration[];
}

export interface DoubleUser {
  uuid: string;
  userid: string;
  firstName: string;
  lastName: string;
  mail: string | null;
  department: string | null;
  telephoneNumber: string | null;
  /** Controlled devices. */
  associatedDevices: string[];
}

export interface DoubleFac {
  uuid: string;
  name: string;
  code: string;
  authorizationLevel: number;
}

const braced = () => `{${randomUUID().toUpperCase()}}`;

/** SQL LIKE with `%` and `_`, case-insensitive (as CUCM matches names). */
export function like(pattern: string, value: string | null | undefined): boolean {
  if (value === null || value === undefined) return pattern === '%';
  const re = new RegExp(`^${pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%/g, '.*').replace(/_/g, '.')}$`, 'is');
  return re.test(value);
}

export class CucmData {
  readonly users = new Map<string, DoubleUser>();
  readonly phones = new Map<string, DoublePhone>();
  readonly facs = new Map<string, DoubleFac>();
  /** CUCM nodes RisPort reports, in order. */
  nodes = ['cucm-sub1', 'cucm-sub2'];

  addUser(u: Partial<DoubleUser> & { userid: string }): DoubleUser {
    const user: DoubleUser = { uuid: braced(), firstName: '', lastName: u.userid, mail: null, department: null, telephoneNumber: null, associatedDevices: [], ...u };
    this.users.set(user.userid.toLowerCase(), user);
    return user;
  }

  addPhone(p: Partial<DoublePhone> & { name: string }): DoublePhone {
    const phone: DoublePhone = {
      uuid: braced(),
      description: '',
      model: 'Cisco 8841',
      product: 'Cisco 8841',
      protocol: 'SIP',
      devicePool: 'DP_HQ',
      location: 'Hub_None',
      callingSearchSpace: null,
      owner: null,
      lines: [],
      registrations: [],
      ...p,
      name: p.name.toUpperCase(),
    };
    this.phones.set(phone.name, phone);
    return phone;
  }

  addFac(f: Partial<DoubleFac> & { name: string; code: string }): DoubleFac {
    const fac: DoubleFac = { uuid: braced(), authorizationLevel: 0, ...f };
    this.facs.set(fac.name.toLowerCase(), fac);
    return fac;
  }

  user(userid: string): DoubleUser | undefined {
    return this.users.get(userid.toLowerCase());
  }

  phone(name: string): DoublePhone | undefined {
    return this.phones.get(name.toUpperCase());
  }

  fac(name: string): DoubleFac | undefined {
    return this.facs.get(name.toLowerCase());
  }

  /**
   * `users` people (`user0001`…), each owning `phonesPerUser` phones with one line (DN 10000+),
   * a FAC named "First Last" with a 6-digit code, and a registration on a node for 80 % of phones.
   */
  seed(options: { users: number; phonesPerUser?: number; now?: number } = { users: 10 }): void {
    const now = Math.floor((options.now ?? Date.now()) / 1000);
    let dn = 10000;
    for (let i = 1; i <= options.users; i++) {
      const id = `user${String(i).padStart(4, '0')}`;
      const devices: string[] = [];
      for (let j = 0; j < (options.phonesPerUser ?? 1); j++) {
        const n = i * 16 + j;
        const name = `SEP${n.toString(16).toUpperCase().padStart(12, '0')}`;
        devices.push(name);
        const registered = n % 5 !== 0;
        this.addPhone({
          name,
          description: `Desk phone of First${i} Last${i}`,
          owner: id,
          lines: [{ index: 1, dn: String(dn++), partition: 'PT_Internal', label: `First${i} Last${i}` }],
          registrations: registered ? [{ node: this.nodes[n % this.nodes.length]!, status: 'Registered', ip: `10.1.${(n >> 8) & 255}.${n & 255}`, activeLoad: 'sip88xx.14-2-1-0001-14', timestamp: now - 60 }] : [],
        });
      }
      this.addUser({ userid: id, firstName: `First${i}`, lastName: `Last${i}`, mail: `${id}@example.com`, department: 'Sales', associatedDevices: devices });
      this.addFac({ name: `First${i} Last${i}`, code: String(100000 + i), authorizationLevel: 10 });
    }
  }
}
