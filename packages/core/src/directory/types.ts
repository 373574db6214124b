/** What a phone's `User-Agent` says about the device (Yealink: model, firmware, MAC). */
export interface DeviceInfo {
  vendor: string;
  /** As the phone names itself: `SIP-T46S`, `W60B`, `VP-T49G`. */
  model: string;
  firmware: string | null;
  /** Lower-case, colon-separated: `80:5e:c0:12:34:56`. */
  mac: string | null;
}

/** One directory fetch (payload of `directory.served`, and the `detail` of its audit row). */
export interface DirectoryServed {
  at: string;
  phonebookId: string;
  siteId: string;
  vendor: string;
  variant: string;
  /** `fetch` (the directory), `search` (with `?q=`) or `lookup` (caller ID). */
  kind: 'fetch' | 'search' | 'lookup';
  /** 200, 304 (ETag matched) or, for lookups, 404 when nobody has the number. */
  status: number;
  /** Response body size in bytes (0 for a 304). */
  bytes: number;
  ip: string | null;
  userAgent: string | null;
  device: DeviceInfo | null;
  /** The phonebook credential the phone used. */
  credentialId: string | null;
  /** `core` when served by this process, else the remote vendor service's id. */
  via: string;
}
