/** Loaded plugins with their state and what they registered, their actions, and remote vendor services. */
import { useQuery } from '@tanstack/react-query';
import { api, ok } from '../api/client';
import { usePlugins } from '../api/queries';
import { useAuth } from '../auth';
import { ActionButtons } from '../ui/actions';
import { Empty, formatDate, QueryState } from '../ui/states';

export function PluginsPage() {
  const plugins = usePlugins();
  const { isAtLeast } = useAuth();
  return (
    <section>
      <header className="page-head">
        <h1>Plugins</h1>
      </header>
      <QueryState query={plugins} what="Loading plugins">
        {(items) =>
          items.length === 0 ? (
            <Empty>No plugins are loaded: list them under plugins in the config file.</Empty>
          ) : (
            <div className="cards">
              {items.map((p) => (
                <article key={p.id} className="card">
                  <h2>
                    {p.id} <span className={`badge ${p.state === 'started' ? 'ok' : 'warn'}`}>{p.state}</span>
                  </h2>
                  <p className="muted small">
                    {p.name}
                    {p.version ? ` ${p.version}` : ''} · from <code>{p.from}</code>
                  </p>
                  {p.description && <p>{p.description}</p>}
                  <dl className="facts">
                    <dt>Contact sources</dt>
                    <dd>{p.contactSources.join(', ') || '—'}</dd>
                    <dt>Directory renderers</dt>
                    <dd>{p.renderers.join(', ') || '—'}</dd>
                  </dl>
                  {isAtLeast('staff') ? <ActionButtons actions={p.actions} /> : p.actions.length > 0 && <p className="muted small">Actions need the staff role.</p>}
                </article>
              ))}
            </div>
          )
        }
      </QueryState>
      {isAtLeast('staff') && <VendorServices />}
    </section>
  );
}

/** Remote vendor services connected to this instance, refreshed every few seconds (their state lives in memory). */
function VendorServices() {
  const q = useQuery({ queryKey: ['vendor-services'], queryFn: () => ok(api.GET('/vendor-services')).then((r) => r.items), refetchInterval: 5000 });
  return (
    <div className="card">
      <h2>Vendor services</h2>
      <QueryState query={q} what="Loading vendor services">
        {(rows) =>
          rows.length === 0 ? (
            <Empty>No remote vendor service is connected.</Empty>
          ) : (
            <div className="table-wrap">
              <table className="data">
                <thead>
                  <tr>
                    <th>Service</th>
                    <th>Vendor</th>
                    <th>Instance</th>
                    <th className="hide-narrow">From</th>
                    <th>Connected / last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => (
                    <tr key={r.sessionId}>
                      <td>
                        {r.service} <span className="muted small">{r.version}</span>
                      </td>
                      <td>{r.vendor}</td>
                      <td>
                        <code>{r.instanceId}</code>
                      </td>
                      <td className="hide-narrow">{r.remoteAddress ?? '—'}</td>
                      <td className="small">
                        {formatDate(r.connectedAt)} / {formatDate(r.lastSeenAt)}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </QueryState>
    </div>
  );
}
