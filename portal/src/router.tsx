import { useEffect } from 'react';
import { Route, Switch, useLocation } from 'wouter';
import { useSession } from './auth/session-context';
import { Page } from './components/page';
import { ROUTES, type PortalRoute } from './routes';

function Guarded({ route }: { route: PortalRoute }) {
  const { me } = useSession();
  if (route.allowed && !route.allowed(me))
    return (
      <Page title={route.title} testId="forbidden">
        <p className="problem" role="alert">
          This page needs {route.requirement ?? 'a permission you do not have'}. Ask a tenant
          administrator for a role that has it.
        </p>
      </Page>
    );
  const Component = route.component;
  return <Component />;
}

/** On navigation, focus moves to the new page's heading (keyboard and screen-reader users). */
function FocusOnNavigate() {
  const [location] = useLocation();
  useEffect(() => {
    document.getElementById('page-heading')?.focus({ preventScroll: true });
  }, [location]);
  return null;
}

export function PortalRouter() {
  return (
    <>
      <FocusOnNavigate />
      <Switch>
        {ROUTES.map((route) => (
          <Route key={route.path} path={route.path}>
            <Guarded route={route} />
          </Route>
        ))}
        <Route>
          <Page title="Not found" testId="not-found">
            <p>There is no page at this address.</p>
          </Page>
        </Route>
      </Switch>
    </>
  );
}
