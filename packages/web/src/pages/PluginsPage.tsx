/** Loaded plugins with their state and what they registered, their actions, and remote vendor services. */
import { useQuery, type UseQueryResult } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../api/client';
import { useAuth } from '../auth';
import { Enrichers, PluginViews } from '../components/PluginRegistrations';
import { ActionButtons } from '../ui/actions';
import { Empty, formatDate, QueryState } from '../ui/states';
import { columnHelper, DataTable } from '../ui/table';

type PluginInfo = Schemas['PluginInfo'];
type Instance = Schemas['VendorServiceInstance'];

/** Health checks run on each read of `GET /plugins`: read again every 30 s while the page is open. */
const HEALTH_POLL_MS = 30_000;

export function PluginsPage() {
  const plugins = useQuery({ queryKey: ['plugins'], queryFn: () => ok(api.GET('/plugins')).then((r) => r.items), refetchInterval: HEALTH_POLL_MS });
  const { isAtLeast } = useAuth();
  const services = useQuery({ queryKey: ['vendor-services'], queryFn: () => ok(api.GET('/vendor-services')).then((r) => r.items), refetchInterval: 5000, enabled: isAtLeast('staff') });
  return (
    <section>
      <header className="page-head">
        <h1>Plugins</h1>
        <button type="button" onClick={() => void plugins.refetch()} disabled={plugins.isFetching}>
          {plugins.isFetching ? 'Checking…' : 'Check health now'}
        </button>
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
                    {p.views.length > 0 && <PluginViews views={p.views} />}
                    {services.data &&
                      p.renderers.map((vendor) => [
                        <dt key={`${vendor}-t`}>Remote {vendor} service</dt>,
                        <dd key={`${vendor}-d`}>
                          <RemoteState instances={services.data.filter((s) => s.vendor === vendor)} />
                        </dd>,
                      ])}
                  </dl>
                  <Health plugin={p} />
                  {isAtLeast('staff') ? <ActionButtons actions={p.actions} /> : p.actions.length > 0 && <p className="muted small">Actions need the staff role.</p>}
                </article>
              ))}
            </div>
          )
        }
      </QueryState>
      <Enrichers refetchInterval={HEALTH_POLL_MS} />
      {isAtLeast('staff') && <VendorServices query={services} />}
    </section>
  );
}

/** The plugin's registered health checks, as the last read of `GET /plugins` ran them. */
function Health({ plugin }: { plugin: PluginInfo }) {
  if (!plugin.health.length) return <p className="muted small">No health checks registered.</p>;
  const failing = plugin.health.filter((h) => !h.ok).length;
  return (
    <>
      <h3 className="small">
        Health <span className={`badge ${failing ? 'bad' : 'ok'}`}>{failing ? `${failing} failing` : 'all ok'}</span>
      </h3>
      <ul className="health" aria-label={`${plugin.id} health`}>
        {plugin.health.map((h) => (
          <li key={h.id}>
            <span className={`badge ${h.ok ? 'ok' : 'bad'}`}>{h.ok ? 'ok' : 'failing'}</span>
            <span>
              <strong>{h.label}</strong>{' '}
              <span className="muted small">
                checked {formatDate(h.checkedAt)} · {h.durationMs} ms
              </span>
            </span>
            {h.message && <span className="message small">{h.message}</span>}
          </li>
        ))}
      </ul>
    </>
  );
}

/** A vendor's remote service instances, live (the hub's state lives in core's memory). */
function RemoteState({ instances }: { instances: Instance[] }) {
  if (!instances.length) return <span className="muted">none connected (phones fetch from core)</span>;
  return (
    <span>
      <span className="badge ok">connected</span> {instances.map((i) => `${i.instanceId} ${i.version}`).join(', ')}
    </span>
  );
}

const col = columnHelper<Instance>();
const sessionId = (r: Instance) => r.sessionId;
const serviceColumns = col.columns([
  col.accessor('service', {
    header: 'Service',
    cell: (c) => (
      <>
        {c.getValue()} <span className="muted small">{c.row.original.version}</span>
      </>
    ),
  }),
  col.accessor('vendor', { header: 'Vendor' }),
  col.accessor('instanceId', { header: 'Instance', cell: (c) => <code>{c.getValue()}</code> }),
  col.accessor('remoteAddress', { header: 'From', cell: (c) => c.getValue() ?? '—', meta: { className: 'hide-narrow' } }),
  col.accessor('connectedAt', { header: 'Connected / last seen', cell: (c) => `${formatDate(c.getValue())} / ${formatDate(c.row.original.lastSeenAt)}`, meta: { className: 'small' } }),
]);

/** Remote vendor services connected to this instance, refreshed every few seconds (their state lives in memory). */
function VendorServices({ query: q }: { query: UseQueryResult<Instance[]> }) {
  return (
    <div className="card">
      <h2>Vendor services</h2>
      <DataTable label="Vendor services" cards="phone" columns={serviceColumns} rows={q.data} rowId={sessionId} query={q} loading="Loading vendor services" empty="No remote vendor service is connected." />
    </div>
  );
}
