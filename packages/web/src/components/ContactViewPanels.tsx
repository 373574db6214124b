/**
 * Plugin views of scope `contact` (`GET /plugins` → `views`) as panels on a contact's page: one per view
 * the user may see (`access`) whose `when.hasAttribute` the contact meets, filled from
 * `GET <url>?contactId=<id>` (a CUCM user's phones with live registration), with a Refresh button.
 */
import { useQuery } from '@tanstack/react-query';
import { fetchView, meetsWhen, useViews, type PluginView } from '../api/plugin-features';
import type { Contact } from '../api/client';
import { ViewTable } from './ViewTable';

export function ContactViewPanels({ contact }: { contact: Contact }) {
  const { views } = useViews('contact');
  const shown = views.filter((v) => meetsWhen(contact, v.when));
  if (!shown.length) return null;
  return (
    <>
      {shown.map((v) => (
        <ViewPanel key={v.id} view={v} contactId={contact.id} />
      ))}
    </>
  );
}

function ViewPanel({ view, contactId }: { view: PluginView; contactId: string }) {
  const answer = useQuery({ queryKey: ['contact', contactId, 'view', view.id], queryFn: () => fetchView(view, new URLSearchParams({ contactId })) });
  const headingId = `view-${view.id.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  return (
    <section className="card view-panel" aria-labelledby={headingId}>
      <div className="row between">
        <h2 id={headingId}>{view.label}</h2>
        <button type="button" onClick={() => void answer.refetch()} disabled={answer.isFetching} aria-label={`Refresh ${view.label}`}>
          {answer.isFetching ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {view.description && <p className="muted small">{view.description}</p>}
      <ViewTable view={view} items={answer.data?.items} message={answer.data?.message} query={answer} empty="Nothing to show for this contact." />
    </section>
  );
}
