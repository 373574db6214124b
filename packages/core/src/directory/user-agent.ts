import type { DeviceInfo } from './types.js';

const MAC = /(?<![0-9a-f])([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})(?![0-9a-f])/i;
const FIRMWARE = /^\d+(?:\.\d+){2,4}$/;

/**
 * Read the device out of a phone's `User-Agent`. Yealink phones send
 * `Yealink SIP-T46S 66.86.0.15 80:5e:c0:12:34:56` (model, firmware, MAC); DECT bases
 * `Yealink W60B 77.85.0.20 …`; some add `SIP ` before the model (`Yealink SIP VP-T49G …`),
 * write the MAC without separators or in capitals, or omit firmware or MAC. Returns null
 * for anything that is not a Yealink.
 */
export function parseUserAgent(userAgent: string | null | undefined): DeviceInfo | null {
  if (!userAgent) return null;
  const m = /\bYealink[\s/_-]+(.+)$/i.exec(userAgent.trim());
  if (!m) return null;
  const tokens = m[1]!.split(/[\s;()]+/).filter(Boolean);
  // `Yealink SIP VP-T49G …`: the bare "SIP" is a prefix, not the model.
  if (tokens.length > 1 && /^SIP$/i.test(tokens[0]!)) tokens.shift();
  const model = tokens.shift();
  if (!model || FIRMWARE.test(model)) return null;
  let firmware: string | null = null;
  let mac: string | null = null;
  for (const t of tokens) {
    if (!firmware && FIRMWARE.test(t)) firmware = t;
    else if (!mac) {
      const hit = MAC.exec(t);
      if (hit && hit[0].length === t.length) mac = hit.slice(1, 7).join(':').toLowerCase();
    }
  }
  return { vendor: 'yealink', model: model.replace(/[,;]+$/, ''), firmware, mac };
}

const parsed = new Map<string, DeviceInfo | null>();
const PARSED_MAX = 1000;

/**
 * {@link parseUserAgent}, remembered per User-Agent string (a fleet of phones sends a handful
 * of distinct ones; at most 1,000 are kept). The result is shared between fetches: treat it
 * as read-only.
 */
export function deviceOf(userAgent: string | null | undefined): DeviceInfo | null {
  if (!userAgent) return null;
  let device = parsed.get(userAgent);
  if (device === undefined) {
    device = parseUserAgent(userAgent);
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(userAgent, device);
  }
  return device;
}
