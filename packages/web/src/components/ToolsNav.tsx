/**
 * The "Tools" group of the side navigation, from what plugins registered: a link per global plugin view
 * the user may see (`access`), and **Import** for staff when at least one CSV attribute import is
 * registered. Nothing when there is neither.
 */
import { useImports, useViews, viewPath } from '../api/plugin-features';
import { useAuth } from '../auth';
import { Link, useRouter } from '../router';

export function ToolsNav({ onNavigate }: { onNavigate: () => void }) {
  const { path } = useRouter();
  const { isAtLeast } = useAuth();
  const { views } = useViews('global');
  const imports = useImports();
  const links = views.map((v) => ({ to: viewPath(v), label: v.label }));
  if (isAtLeast('staff') && (imports.data?.length ?? 0) > 0) links.push({ to: '/import', label: 'Import' });
  if (!links.length) return null;
  return (
    <div className="nav-group" role="group" aria-labelledby="nav-tools">
      <span id="nav-tools" className="nav-heading">
        Tools
      </span>
      {links.map((l) => (
        <Link key={l.to} to={l.to} aria-current={path === l.to ? 'page' : undefined} onClick={onNavigate}>
          {l.label}
        </Link>
      ))}
    </div>
  );
}
