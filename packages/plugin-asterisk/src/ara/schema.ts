/**
 * The PJSIP realtime tables Asterisk reads through ARA (res_config_pgsql / res_odbc), PostgreSQL
 * only: `ps_endpoints`, `ps_auths`, `ps_aors` with the columns and types of Asterisk's alembic head
 * (`2285f2ace275`), written from the research notes (shared/research/asterisk-pjsip-columns.md,
 * calls.md §3a) — no SQL from Asterisk's tree. Created with `if not exists`, so an existing schema
 * (made by alembic, or by an earlier start) is left as it is.
 */
import type pg from 'pg';

/** The enums Asterisk's realtime schema declares (values from the PJSIP configuration documentation). */
export const ENUMS: Record<string, readonly string[]> = {
  ast_bool_values: ['0', '1', 'off', 'on', 'false', 'true', 'no', 'yes'],
  pjsip_connected_line_method_values: ['invite', 'reinvite', 'update'],
  pjsip_direct_media_glare_mitigation_values: ['none', 'outgoing', 'incoming'],
  pjsip_dtmf_mode_values_v3: ['rfc4733', 'inband', 'info', 'auto', 'auto_info'],
  pjsip_timer_values: ['forced', 'no', 'required', 'yes'],
  pjsip_cid_privacy_values: ['allowed_not_screened', 'allowed_passed_screened', 'allowed_failed_screened', 'allowed', 'prohib_not_screened', 'prohib_passed_screened', 'prohib_failed_screened', 'prohib', 'unavailable'],
  pjsip_100rel_values_v2: ['no', 'required', 'peer_supported', 'yes'],
  pjsip_media_encryption_values: ['no', 'sdes', 'dtls'],
  pjsip_t38udptl_ec_values: ['none', 'fec', 'redundancy'],
  pjsip_dtls_setup_values: ['active', 'passive', 'actpass'],
  pjsip_redirect_method_values: ['user', 'uri_core', 'uri_pjsip'],
  sha_hash_values: ['SHA-1', 'SHA-256'],
  pjsip_incoming_call_offer_pref_values: ['local', 'local_first', 'remote', 'remote_first'],
  pjsip_outgoing_call_offer_pref_values: ['local', 'local_merge', 'local_first', 'remote', 'remote_merge', 'remote_first'],
  security_negotiation_values: ['no', 'mediasec'],
  pjsip_auth_type_values_v2: ['md5', 'userpass', 'google_oauth'],
};

/** `<column> <type>` per table, in the documented order; `id` is `NOT NULL` and unique in each. */
export const TABLES = {
  ps_endpoints: [
    'id varchar(255)', 'transport varchar(40)', 'aors varchar(2048)', 'auth varchar(255)', 'context varchar(40)',
    'disallow varchar(200)', 'allow varchar(200)', 'direct_media ast_bool_values',
    'connected_line_method pjsip_connected_line_method_values',
    'direct_media_method pjsip_connected_line_method_values',
    'direct_media_glare_mitigation pjsip_direct_media_glare_mitigation_values',
    'disable_direct_media_on_nat ast_bool_values', 'dtmf_mode pjsip_dtmf_mode_values_v3',
    'external_media_address varchar(40)', 'force_rport ast_bool_values', 'ice_support ast_bool_values',
    'identify_by varchar(80)', 'mailboxes varchar(40)', 'moh_suggest varchar(40)', 'outbound_auth varchar(255)',
    'outbound_proxy varchar(255)', 'rewrite_contact ast_bool_values', 'rtp_ipv6 ast_bool_values',
    'rtp_symmetric ast_bool_values', 'send_diversion ast_bool_values', 'send_pai ast_bool_values',
    'send_rpid ast_bool_values', 'timers_min_se integer', 'timers pjsip_timer_values', 'timers_sess_expires integer',
    'callerid varchar(40)', 'callerid_privacy pjsip_cid_privacy_values', 'callerid_tag varchar(40)',
    '100rel pjsip_100rel_values_v2', 'aggregate_mwi ast_bool_values', 'trust_id_inbound ast_bool_values',
    'trust_id_outbound ast_bool_values', 'use_ptime ast_bool_values', 'use_avpf ast_bool_values',
    'media_encryption pjsip_media_encryption_values', 'inband_progress ast_bool_values', 'call_group varchar(40)',
    'pickup_group varchar(40)', 'named_call_group varchar(40)', 'named_pickup_group varchar(40)',
    'device_state_busy_at integer', 'fax_detect ast_bool_values', 't38_udptl ast_bool_values',
    't38_udptl_ec pjsip_t38udptl_ec_values', 't38_udptl_maxdatagram integer', 't38_udptl_nat ast_bool_values',
    't38_udptl_ipv6 ast_bool_values', 'tone_zone varchar(40)', 'language varchar(40)',
    'one_touch_recording ast_bool_values', 'record_on_feature varchar(40)', 'record_off_feature varchar(40)',
    'rtp_engine varchar(40)', 'allow_transfer ast_bool_values', 'allow_subscribe ast_bool_values',
    'sdp_owner varchar(40)', 'sdp_session varchar(40)', 'tos_audio varchar(10)', 'tos_video varchar(10)',
    'sub_min_expiry integer', 'from_domain varchar(40)', 'from_user varchar(40)', 'mwi_from_user varchar(40)',
    'dtls_verify varchar(40)', 'dtls_rekey varchar(40)', 'dtls_cert_file varchar(200)',
    'dtls_private_key varchar(200)', 'dtls_cipher varchar(200)', 'dtls_ca_file varchar(200)',
    'dtls_ca_path varchar(200)', 'dtls_setup pjsip_dtls_setup_values', 'srtp_tag_32 ast_bool_values',
    'media_address varchar(40)', 'redirect_method pjsip_redirect_method_values', 'set_var text', 'cos_audio integer',
    'cos_video integer', 'message_context varchar(40)', 'force_avp ast_bool_values',
    'media_use_received_transport ast_bool_values', 'accountcode varchar(80)', 'user_eq_phone ast_bool_values',
    'moh_passthrough ast_bool_values', 'media_encryption_optimistic ast_bool_values',
    'rpid_immediate ast_bool_values', 'g726_non_standard ast_bool_values', 'rtp_keepalive integer',
    'rtp_timeout integer', 'rtp_timeout_hold integer', 'bind_rtp_to_media_address ast_bool_values',
    'voicemail_extension varchar(40)', 'mwi_subscribe_replaces_unsolicited ast_bool_values', 'deny varchar(95)',
    'permit varchar(95)', 'acl varchar(40)', 'contact_deny varchar(95)', 'contact_permit varchar(95)',
    'contact_acl varchar(40)', 'subscribe_context varchar(40)', 'fax_detect_timeout integer',
    'contact_user varchar(80)', 'preferred_codec_only ast_bool_values', 'asymmetric_rtp_codec ast_bool_values',
    'rtcp_mux ast_bool_values', 'allow_overlap ast_bool_values', 'refer_blind_progress ast_bool_values',
    'notify_early_inuse_ringing ast_bool_values', 'max_audio_streams integer', 'max_video_streams integer',
    'webrtc ast_bool_values', 'dtls_fingerprint sha_hash_values', 'incoming_mwi_mailbox varchar(40)',
    'bundle ast_bool_values', 'dtls_auto_generate_cert ast_bool_values', 'follow_early_media_fork ast_bool_values',
    'accept_multiple_sdp_answers ast_bool_values', 'suppress_q850_reason_headers ast_bool_values',
    'trust_connected_line ast_bool_values', 'send_connected_line ast_bool_values',
    'ignore_183_without_sdp ast_bool_values', 'codec_prefs_incoming_offer varchar(128)',
    'codec_prefs_outgoing_offer varchar(128)', 'codec_prefs_incoming_answer varchar(128)',
    'codec_prefs_outgoing_answer varchar(128)', 'stir_shaken ast_bool_values', 'send_history_info ast_bool_values',
    'allow_unauthenticated_options ast_bool_values', 't38_bind_udptl_to_media_address ast_bool_values',
    'geoloc_incoming_call_profile varchar(80)', 'geoloc_outgoing_call_profile varchar(80)',
    'incoming_call_offer_pref pjsip_incoming_call_offer_pref_values',
    'outgoing_call_offer_pref pjsip_outgoing_call_offer_pref_values', 'stir_shaken_profile varchar(80)',
    'security_negotiation security_negotiation_values', 'security_mechanisms varchar(512)',
    'send_aoc ast_bool_values', 'overlap_context varchar(80)', 'tenantid varchar(80)',
    'suppress_moh_on_sendonly ast_bool_values', 'follow_redirect_methods varchar(95)', 'rtp_port_start integer',
    'rtp_port_end integer',
  ],
  ps_auths: [
    'id varchar(255)', 'auth_type pjsip_auth_type_values_v2', 'nonce_lifetime integer', 'md5_cred varchar(40)',
    'password varchar(80)', 'realm varchar(255)', 'username varchar(40)', 'refresh_token varchar(255)',
    'oauth_clientid varchar(255)', 'oauth_secret varchar(255)', 'password_digest varchar(1024)',
    'supported_algorithms_uas varchar(1024)', 'supported_algorithms_uac varchar(1024)',
  ],
  ps_aors: [
    'id varchar(255)', 'contact varchar(255)', 'default_expiration integer', 'mailboxes varchar(80)',
    'max_contacts integer', 'minimum_expiration integer', 'remove_existing ast_bool_values',
    'qualify_frequency integer', 'authenticate_qualify ast_bool_values', 'maximum_expiration integer',
    'outbound_proxy varchar(255)', 'support_path ast_bool_values', 'qualify_timeout float8',
    'voicemail_extension varchar(40)', 'remove_unavailable ast_bool_values', 'qualify_2xx_only ast_bool_values',
  ],} as const satisfies Record<string, readonly string[]>;

export type AraTable = keyof typeof TABLES;

const quote = (ident: string) => `"${ident.replace(/"/g, '""')}"`;
const literal = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** The DDL, one statement each: enums (created only when missing), tables and their unique id. */
export function schemaStatements(): string[] {
  const out: string[] = [];
  for (const [name, values] of Object.entries(ENUMS)) {
    out.push(`do $$ begin if not exists (select 1 from pg_type where typname = ${literal(name)} and typnamespace = current_schema()::regnamespace) then create type ${quote(name)} as enum (${values.map(literal).join(', ')}); end if; end $$`);
  }
  for (const [table, columns] of Object.entries(TABLES)) {
    const cols = columns.map((c) => {
      const [name, type] = c.split(' ') as [string, string];
      const sqlType = type === 'float8' ? 'double precision' : ENUMS[type] ? quote(type) : type;
      return `${quote(name)} ${sqlType}${name === 'id' ? ' not null' : ''}`;
    });
    out.push(`create table if not exists ${quote(table)} (${cols.join(', ')}, constraint ${quote(`${table}_id_key`)} unique (id))`);
    out.push(`create index if not exists ${quote(`${table}_id`)} on ${quote(table)} (id)`);
  }
  out.push(`create index if not exists "ps_aors_qualifyfreq_contact" on "ps_aors" (qualify_frequency, contact)`);
  return out;
}

/** Lock key so two Dialbook instances starting at once create the schema one after the other. */
const SCHEMA_LOCK = 0x4469_616c; // "Dial"

/** Create what is missing, in one transaction under an advisory lock. */
export async function ensureSchema(client: pg.PoolClient): Promise<void> {
  await client.query('begin');
  try {
    await client.query('select pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    for (const sql of schemaStatements()) await client.query(sql);
    await client.query('commit');
  } catch (err) {
    await client.query('rollback').catch(() => undefined);
    throw err;
  }
}
