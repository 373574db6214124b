/** The shell: public pages (sign-in, sign-up, reset), and the signed-in layout with its navigation. */
import { useState, type ReactNode } from 'react';
import { useAuth } from './auth';
import { RoutingNav } from './components/RoutingNav';
import { ToolsNav } from './components/ToolsNav';
import { JobsPage, NotificationsPage, useUnreadCount } from './pages/ActivityPages';
import { AuditPage } from './pages/AuditPage';
import { CallsPage } from './pages/CallsPage';
import { ForgotPasswordPage, ResetPasswordPage, SignInPage, SignUpPage } from './pages/AuthPages';
import { ContactDetailPage } from './pages/ContactDetailPage';
import { ContactEditPage, ContactNewPage } from './pages/ContactForm';
import { ContactsPage } from './pages/ContactsPage';
import { ImportPage } from './pages/ImportPage';
import { PhonebookDetailPage, PhonebooksPage } from './pages/PhonebooksPage';
import { PluginsPage } from './pages/PluginsPage';
import { PluginViewPage } from './pages/PluginViewPage';
import { SettingsPage } from './pages/SettingsPage';
import { SitesPage } from './pages/SitesPage';
import { UsersPage } from './pages/UsersPage';
import { CampaignDetailPage, CampaignsPage } from './pages/routing/CampaignsPage';
import { ClientsPage } from './pages/routing/ClientsPage';
import { DecisionTestPage } from './pages/routing/DecisionTestPage';
import { DidsPage } from './pages/routing/DidsPage';
import { ReportsPage } from './pages/routing/ReportsPage';
import { Link, matchRoute, useRouter } from './router';
import { ErrorMessage, Loading } from './ui/states';
import type { User } from './api/client';

interface Route {
  pattern: string;
  role?: User['role'];
  render(params: Record<string, string>): ReactNode;
}

const ROUTES: Route[] = [
  { pattern: '/', render: () => <ContactsPage /> },
  { pattern: '/contacts', render: () => <ContactsPage /> },
  { pattern: '/contacts/new', render: () => <ContactNewPage /> },
  { pattern: '/contacts/:id', render: (p) => <ContactDetailPage key={p.id} id={p.id!} /> },
  { pattern: '/contacts/:id/edit', render: (p) => <ContactEditPage key={p.id} id={p.id!} /> },
  { pattern: '/calls', render: () => <CallsPage /> },
  { pattern: '/phonebooks', render: () => <PhonebooksPage /> },
  { pattern: '/phonebooks/:id', render: (p) => <PhonebookDetailPage key={p.id} id={p.id!} /> },
  { pattern: '/sites', render: () => <SitesPage /> },
  { pattern: '/users', role: 'staff', render: () => <UsersPage /> },
  { pattern: '/settings', role: 'admin', render: () => <SettingsPage /> },
  { pattern: '/settings/:category', role: 'admin', render: (p) => <SettingsPage category={p.category} /> },
  { pattern: '/notifications', render: () => <NotificationsPage /> },
  { pattern: '/jobs', role: 'staff', render: () => <JobsPage /> },
  { pattern: '/audit', role: 'staff', render: () => <AuditPage /> },
  { pattern: '/plugins', render: () => <PluginsPage /> },
  { pattern: '/views/:plugin/:view', render: (p) => <PluginViewPage key={`${p.plugin}.${p.view}`} id={`${p.plugin}.${p.view}`} /> },
  { pattern: '/views/:id', render: (p) => <PluginViewPage key={p.id} id={p.id!} /> },
  { pattern: '/import', role: 'staff', render: () => <ImportPage /> },
  { pattern: '/routing/campaigns', render: () => <CampaignsPage /> },
  { pattern: '/routing/campaigns/:id', render: (p) => <CampaignDetailPage key={p.id} id={p.id!} /> },
  { pattern: '/routing/dids', render: () => <DidsPage /> },
  { pattern: '/routing/clients', role: 'staff', render: () => <ClientsPage /> },
  { pattern: '/routing/test', render: () => <DecisionTestPage /> },
  { pattern: '/routing/reports', render: () => <ReportsPage /> },
];

const NAV: { to: string; label: string; role?: User['role'] }[] = [
  { to: '/contacts', label: 'Contacts' },
  { to: '/calls', label: 'Calls' },
  { to: '/phonebooks', label: 'Phonebooks' },
  { to: '/sites', label: 'Sites' },
  { to: '/users', label: 'Users', role: 'staff' },
  { to: '/jobs', label: 'Jobs', role: 'staff' },
  { to: '/audit', label: 'Audit', role: 'staff' },
  { to: '/plugins', label: 'Plugins' },
  { to: '/settings', label: 'Settings', role: 'admin' },
];

export function App() {
  const { path } = useRouter();
  const { user, error } = useAuth();
  // Link pages work signed in or out: a new user may open their sign-up link in a browser someone else left signed in.
  if (path === '/signup') return <SignUpPage />;
  if (path === '/reset-password') return <ResetPasswordPage />;
  if (path === '/forgot-password') return <ForgotPasswordPage />;
  if (user === undefined) return error ? <main className="auth-page"><ErrorMessage error={error} retry={() => window.location.reload()} /></main> : <main className="auth-page"><Loading what="Starting" /></main>;
  if (user === null) return <SignInPage />;
  return <Shell />;
}

function Shell() {
  const { path } = useRouter();
  const { user, signOut, isAtLeast } = useAuth();
  const [menuOpen, setMenuOpen] = useState(false);
  const unread = useUnreadCount(true);
  let page: ReactNode = (
    <section>
      <h1>Not found</h1>
      <p>
        There is no page at <code>{path}</code>. <Link to="/contacts">Go to the contacts.</Link>
      </p>
    </section>
  );
  for (const r of ROUTES) {
    const params = matchRoute(r.pattern, path);
    if (!params) continue;
    page = r.role && !isAtLeast(r.role) ? <ErrorMessage error={new Error(`This page needs the ${r.role} role.`)} /> : r.render(params);
    break;
  }
  const count = unread.data ?? 0;
  return (
    <div className="shell">
      <a href="#main" className="skip">
        Skip to content
      </a>
      <header className="topbar">
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          Menu
        </button>
        <Link to="/contacts" className="brand">
          Dialbook
        </Link>
        <div className="topbar-right">
          <Link to="/notifications" className="bell" aria-label={`Notifications, ${count} unread`}>
            <svg className="bell-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
              <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z" />
            </svg>
            <span className="bell-label">Notifications</span>
            {count > 0 && (
              <span className="count" data-testid="unread-count">
                {count}
              </span>
            )}
          </Link>
          <span className="who hide-narrow" title={user?.email}>
            {user?.email} <span className="badge">{user?.role}</span>
          </span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <nav id="nav" className={`sidenav${menuOpen ? ' open' : ''}`} aria-label="Main">
        {NAV.filter((n) => !n.role || isAtLeast(n.role)).map((n) => (
          <Link key={n.to} to={n.to} aria-current={path === n.to || path.startsWith(`${n.to}/`) ? 'page' : undefined} onClick={() => setMenuOpen(false)}>
            {n.label}
          </Link>
        ))}
        <RoutingNav onNavigate={() => setMenuOpen(false)} />
        <ToolsNav onNavigate={() => setMenuOpen(false)} />
        <a href="/docs">API reference</a>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        {page}
      </main>
    </div>
  );
}
