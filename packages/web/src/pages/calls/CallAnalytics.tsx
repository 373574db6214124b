/**
 * The figures of the filtered calls (`GET /calls/stats`): totals, calls per day (answered and missed), the
 * busiest hours and the top callers, in the time zone the server counts in.
 */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useCallStats, type CallFilters, type CallStatsGroup } from '../../api/calls';
import { Link } from '../../router';
import { Empty, ErrorMessage, Loading } from '../../ui/states';
import { formatDuration } from '../../components/calls/format';

const ANSWERED = '#2f855a';
const MISSED = '#c53030';
const percent = (rate: number | null) => (rate === null ? '—' : `${Math.round(rate * 1000) / 10} %`);

export function CallAnalytics({ filters }: { filters: CallFilters }) {
  const days = useCallStats(filters, 'day');
  const hours = useCallStats(filters, 'hour');
  const top = useCallStats(filters, 'remote', 10);
  if (days.isPending) return <Loading what="Counting the calls" />;
  if (days.error) return <ErrorMessage error={days.error} retry={() => void days.refetch()} />;
  const { totals, timeZone } = days.data;
  return (
    <div className="call-analytics">
      <p className="muted small">
        Days and hours in <strong data-testid="stats-time-zone">{timeZone}</strong>.
      </p>
      <dl className="stat-tiles" aria-label="Totals">
        <div>
          <dt>Calls</dt>
          <dd>{totals.count}</dd>
        </div>
        <div>
          <dt>Answered</dt>
          <dd>{percent(totals.answeredRate)}</dd>
        </div>
        <div>
          <dt>Missed</dt>
          <dd>{totals.missed}</dd>
        </div>
        <div>
          <dt>Total duration</dt>
          <dd>{formatDuration(totals.totalDurationSeconds)}</dd>
        </div>
        <div>
          <dt>Average duration</dt>
          <dd>{formatDuration(totals.avgDurationSeconds)}</dd>
        </div>
      </dl>
      {totals.count === 0 ? (
        <Empty>No call matches these filters.</Empty>
      ) : (
        <div className="two-col">
          <figure className="card chart" aria-label="Calls per day">
            <figcaption>Calls per day</figcaption>
            <Chart groups={days.data.groups} />
          </figure>
          <figure className="card chart" aria-label="Busiest hours">
            <figcaption>Busiest hours</figcaption>
            {hours.error ? <ErrorMessage error={hours.error} /> : hours.data ? <Chart groups={hours.data.groups} /> : <Loading what="Counting by hour" />}
          </figure>
        </div>
      )}
      <section className="card">
        <h2>Top callers</h2>
        {top.error ? <ErrorMessage error={top.error} retry={() => void top.refetch()} /> : !top.data ? <Loading what="Finding the top callers" /> : top.data.groups.length === 0 ? <Empty>No callers.</Empty> : <TopCallers groups={top.data.groups} />}
      </section>
    </div>
  );
}

function Chart({ groups }: { groups: CallStatsGroup[] }) {
  const data = groups.map((g) => ({ label: g.label || g.key, Answered: g.answered, Missed: g.missed, Other: Math.max(0, g.count - g.answered - g.missed) }));
  return (
    <ResponsiveContainer width="100%" height={240}>
      <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="label" tick={{ fontSize: 12 }} />
        <YAxis allowDecimals={false} width={32} tick={{ fontSize: 12 }} />
        <Tooltip />
        <Legend />
        <Bar dataKey="Answered" stackId="a" fill={ANSWERED} isAnimationActive={false} />
        <Bar dataKey="Missed" stackId="a" fill={MISSED} isAnimationActive={false} />
        <Bar dataKey="Other" stackId="a" fill="#a0aec0" isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

function TopCallers({ groups }: { groups: CallStatsGroup[] }) {
  return (
    <div className="table-wrap">
      <table className="data top-callers">
        <caption className="sr-only">Top callers</caption>
        <thead>
          <tr>
            <th>Caller</th>
            <th>Calls</th>
            <th>Answered</th>
            <th className="hide-narrow">Total duration</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => {
            const contact = g.key.startsWith('contact:') ? g.key.slice('contact:'.length) : null;
            const number = g.key.startsWith('number:') ? g.key.slice('number:'.length) : null;
            return (
              <tr key={g.key}>
                <td>
                  {contact ? <Link to={`/contacts/${contact}`}>{g.label}</Link> : <Link to={`/calls?number=${encodeURIComponent(number ?? g.label)}`}>{g.label}</Link>}
                </td>
                <td>{g.count}</td>
                <td>{percent(g.answeredRate)}</td>
                <td className="hide-narrow">{formatDuration(g.totalDurationSeconds)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
