/**
 * @dialbook/plugin-cucm — the CUCM protocol layer (AXL over SOAP, RisPort70), named exports only
 * for now; the plugin itself (definePlugin, settings, enrichment) builds on these.
 */
export { AxlClient, type AxlClientOptions } from './axl/client.js';
export type { AxlConnectionOptions, AxlEvent, VersionInfo } from './axl/connection.js';
export type { CucmUser, FacCriteria, FacInfo, ListRange, OwnedPhone, OwnedPhones, Phone, PhoneCriteria, PhoneLine, PhoneLink, PhoneSummary } from './axl/types.js';
export { classifyAxlError } from './axl/classify.js';
export { CucmError, isCucmError, type CucmErrorCode, type CucmErrorInfo, type CucmService } from './errors.js';
export { macOfDeviceName, normaliseMac, parseMac } from './mac.js';
export { probe, type ProbeOptions, type ProbeReport, type ProbeStep, type ProbeStepName } from './probe.js';
export { systemClock, type Clock, type RetryOptions } from './retry.js';
export { RisClient, RIS_MAX_DEVICES, type RisClientOptions, type SelectOptions } from './risport/client.js';
export { InProcessRateBudget, DEFAULT_RIS_PER_MINUTE, type RateBudget } from './risport/budget.js';
export type { Registration, RegistrationStatus } from './risport/mapping.js';
export type { TlsOptions } from './transport.js';
export { axlWsdl, axlNamespace, axlSoapAction } from './wsdl/axl.js';
export { risportWsdl } from './wsdl/risport.js';
export { toolkitCatalog, type WsdlSource } from './wsdl/source.js';
export { KNOWN_VERSIONS, bestVersion, parseSupportedVersions } from './wsdl/versions.js';
