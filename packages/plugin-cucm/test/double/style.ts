/**
 * node-soap's server writes `soap:`/`xsd1:` prefixes and extra namespace declarations; CUCM
 * writes `soapenv:` and `ns:` (and answers in the namespace of the schema version asked for),
 * and `<return/>` for an empty list. Rewrite the answer text to CUCM's style.
 */
const AXL_NS = /http:\/\/www\.cisco\.com\/AXL\/API\/14\.0/g;

export function ciscoStyle(xml: string, axlVersion: string | null): string {
  let out = xml
    .replace(/^<\?xml[^>]*\?>/, "<?xml version='1.0' encoding='UTF-8'?>")
    .replace(/<soap:Envelope[^>]*>/, '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">')
    .replace(/<(\/?)soap:/g, '<$1soapenv:')
    .replace(/<return><\/return>/g, '<return/>');
  if (axlVersion) out = out.replace(/xmlns:xsd1=/g, 'xmlns:ns=').replace(/xsd1:/g, 'ns:').replace(AXL_NS, `http://www.cisco.com/AXL/API/${axlVersion}`);
  // RisPort's rate fault names Axis' namespace with prefix ns1 (as captured from CUCM).
  if (out.includes('ns1:Server.RateControl')) out = out.replace('<soapenv:Fault>', '<soapenv:Fault xmlns:ns1="http://xml.apache.org/axis/">');
  return out;
}
