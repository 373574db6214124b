/**
 * What plugins registered, for the Plugins page: a plugin's views (pages linked, contact panels named), and
 * the contact enrichers (`GET /enrichers`; staff), each with its owner and the contacts it could not do yet
 * (kept and retried by the `contacts.enrich` job): "CUCM: PIN and phones — 12 contacts pending since 10:04".
 */
import { useEnrichment, viewPath, type PluginView } from '../api/plugin-features';
import { useAuth } from '../auth';
import { Link } from '../router';
import { ErrorMessage, formatDate, Loading } from '../ui/states';

/** A plugin card's "Views" line: its pages (linked where the user may open them) and its contact panels. */
export function PluginViews({ views }: { views: PluginView[] }) {
  const { isAtLeast } = useAuth();
  return (
    <>
      <dt>Views</dt>
      <dd>
        {views.map((v, i) => (
          <span key={v.id}>
            {i > 0 && ', '}
            {v.scope === 'global' && isAtLeast(v.access) ? <Link to={viewPath(v)}>{v.label}</Link> : v.label}
            <span className="muted small"> ({v.scope === 'global' ? 'page' : 'contact panel'})</span>
          </span>
        ))}
      </dd>
    </>
  );
}

/** "10:04" today, else the date and time. */
function since(iso: string): string {
  const at = new Date(iso);
  const today = new Date().toDateString() === at.toDateString();
  return today ? at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' }) : formatDate(iso);
}

export function Enrichers({ refetchInterval }: { refetchInterval?: number }) {
  const { isAtLeast } = useAuth();
  return isAtLeast('staff') ? <EnrichersCard {...(refetchInterval ? { refetchInterval } : {})} /> : null;
}

function EnrichersCard({ refetchInterval }: { refetchInterval?: number }) {
  const state = useEnrichment(refetchInterval ? { refetchInterval } : {});
  if (state.isPending) return <Loading what="Loading the enrichers" />;
  if (state.error) return <ErrorMessage error={state.error} retry={() => void state.refetch()} />;
  const { enrichers } = state.data;
  if (!enrichers.length) return null; // none registered: no empty card
  return (
    <section className="card" aria-labelledby="enrichers">
      <h2 id="enrichers">Contact enrichers</h2>
      <p className="muted small">Run after each source sync; contacts they could not do yet are retried every minute.</p>
      <ul className="health" aria-label="Contact enrichers">
        {enrichers.map((e) => (
          <li key={e.id}>
            <span className={`badge ${e.pending ? 'warn' : 'ok'}`}>{e.pending ? `${e.pending} pending` : 'up to date'}</span>
            <span>
              <strong>{e.label}</strong> <span className="muted small">plugin {e.owner}</span>
            </span>
            <span className="message small">
              {e.pending ? (
                <>
                  {e.label} — {e.pending} contact{e.pending === 1 ? '' : 's'} pending{e.oldestPending ? <> since <time dateTime={e.oldestPending} title={formatDate(e.oldestPending)}>{since(e.oldestPending)}</time></> : null}
                </>
              ) : (
                'No contacts pending.'
              )}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
