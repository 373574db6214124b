/** Notifications (mark all read, clear all) and jobs (live progress of running syncs). Both poll: the core offers no push channel for them. */
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ok, type Schemas } from '../api/client';
import { ConfirmButton } from '../ui/confirm';
import { Empty, ErrorMessage, formatDate, QueryState } from '../ui/states';

/** How often the unread badge and the lists are refreshed. */
export const NOTIFICATION_POLL_MS = 5000;

export const useUnreadCount = (enabled: boolean) =>
  useQuery({ queryKey: ['notifications', 'unread'], queryFn: () => ok(api.GET('/notifications/unread-count')).then((r) => r.unread), refetchInterval: NOTIFICATION_POLL_MS, enabled });

export function NotificationsPage() {
  const queries = useQueryClient();
  const list = useQuery({ queryKey: ['notifications', 'list'], queryFn: () => ok(api.GET('/notifications', { params: { query: { pageSize: 100 } } })), refetchInterval: NOTIFICATION_POLL_MS });
  const refresh = () => queries.invalidateQueries({ queryKey: ['notifications'] });
  const unread = list.data?.items.some((n) => !n.read) ?? false;
  return (
    <section>
      <header className="page-head">
        <h1>Notifications</h1>
        <div className="actions">
          <button type="button" disabled={!unread} onClick={() => void ok(api.POST('/notifications/mark-all-read')).then(refresh)}>
            Mark all read
          </button>
          <ConfirmButton danger title="Clear all notifications" message={<p>Remove every notification?</p>} confirmLabel="Clear all" onConfirm={async () => (await ok(api.DELETE('/notifications')), await refresh())}>
            Clear all
          </ConfirmButton>
        </div>
      </header>
      <QueryState query={list} what="Loading notifications">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No notifications.</Empty>
          ) : (
            <ul className="plain notifications">
              {page.items.map((n) => (
                <li key={n.id} className={`${n.level}${n.read ? '' : ' unread'}`}>
                  <div className="row between">
                    <strong>
                      {!n.read && <span className="dot" aria-label="unread" />} {n.title}
                    </strong>
                    <time className="muted small" dateTime={n.createdAt}>
                      {formatDate(n.createdAt)}
                    </time>
                  </div>
                  {n.body && <p className="pre">{n.body}</p>}
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
    </section>
  );
}

export function JobsPage() {
  const jobs = useQuery({ queryKey: ['jobs'], queryFn: () => ok(api.GET('/jobs')), refetchInterval: (q) => (q.state.data?.running.length ? 1000 : NOTIFICATION_POLL_MS) });
  return (
    <section>
      <header className="page-head">
        <h1>Jobs</h1>
      </header>
      <ErrorMessage error={jobs.error} />
      <QueryState query={jobs} what="Loading jobs">
        {(j) => (
          <>
            <div className="card">
              <h2>Running</h2>
              {j.running.length === 0 ? <Empty>Nothing is running.</Empty> : <JobList jobs={j.running} />}
            </div>
            <div className="card">
              <h2>Finished</h2>
              {j.finished.length === 0 ? <Empty>No job has finished since this server started.</Empty> : <JobList jobs={j.finished} />}
            </div>
          </>
        )}
      </QueryState>
    </section>
  );
}

function JobList({ jobs }: { jobs: Schemas['Job'][] }) {
  return (
    <ul className="plain jobs">
      {jobs.map((job) => (
        <li key={`${job.id}-${job.startedAt}`}>
          <div className="row between">
            <strong>{job.label}</strong>
            <span className={`badge ${job.status === 'failed' ? 'bad' : job.status === 'succeeded' ? 'ok' : ''}`}>{job.status}</span>
          </div>
          {job.status === 'running' ? (
            <>
              <progress max={job.total ?? undefined} value={job.total ? job.done : undefined} aria-label={`${job.label} progress`} />
              <span className="small">
                {job.done}
                {job.total ? ` of ${job.total}` : ''} {job.message ?? ''}
              </span>
            </>
          ) : (
            <div className="small muted">
              {job.message ?? ''} {job.done ? `· ${job.done}${job.total ? `/${job.total}` : ''} done` : ''}
            </div>
          )}
          <div className="small muted">
            {job.owner} · started {formatDate(job.startedAt)}
            {job.finishedAt ? ` · finished ${formatDate(job.finishedAt)}` : ''}
          </div>
        </li>
      ))}
    </ul>
  );
}
