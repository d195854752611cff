import { Link, useLocation } from 'wouter';
import { useSession } from '../auth/session-context';
import { NAV_SECTIONS, ROUTES, navTestId } from '../routes';

/** The pages this user may open, by section; the current one marked for screen readers. */
export function Nav() {
  const { me } = useSession();
  const [location] = useLocation();
  const visible = ROUTES.filter((r) => r.nav && (!r.allowed || r.allowed(me)));
  return (
    <nav className="side-nav" aria-label="Pages" data-testid="nav">
      {NAV_SECTIONS.map((section) => {
        const routes = visible.filter((r) => r.nav?.section === section);
        if (!routes.length) return null;
        return (
          <div key={section} className="nav-section">
            <h2 className="nav-heading">{section}</h2>
            <ul>
              {routes.map((r) => {
                const current =
                  r.path === '/'
                    ? location === '/'
                    : location === r.path || location.startsWith(`${r.path}/`);
                return (
                  <li key={r.path}>
                    <Link
                      href={r.path}
                      data-testid={navTestId(r)}
                      aria-current={current ? 'page' : undefined}
                    >
                      {r.nav?.label}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}
