/**
 * The "Routing" group of the side navigation: Campaigns, DIDs, Test a decision and Reports for everyone signed in
 * (a seller — role `user` — sees only their own), Clients for admin and staff.
 */
import { useAuth } from '../auth';
import { Link, useRouter } from '../router';

const LINKS = [
  { to: '/routing/campaigns', label: 'Campaigns' },
  { to: '/routing/dids', label: 'DIDs' },
  { to: '/routing/clients', label: 'Clients', staff: true },
  { to: '/routing/test', label: 'Test a decision' },
  { to: '/routing/reports', label: 'Reports' },
];

export function RoutingNav({ onNavigate }: { onNavigate: () => void }) {
  const { path } = useRouter();
  const { isAtLeast } = useAuth();
  return (
    <div className="nav-group" role="group" aria-labelledby="nav-routing">
      <span id="nav-routing" className="nav-heading">
        Routing
      </span>
      {LINKS.filter((l) => !l.staff || isAtLeast('staff')).map((l) => (
        <Link key={l.to} to={l.to} aria-current={path === l.to || path.startsWith(`${l.to}/`) ? 'page' : undefined} onClick={onNavigate}>
          {l.label}
        </Link>
      ))}
    </div>
  );
}
