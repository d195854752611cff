import type { ReactNode } from 'react';
import { useSession } from '../auth/session-context';
import { useLive } from '../live/live-context';
import { Nav } from './nav';
import { ThemeToggle } from './theme-toggle';

const CONNECTION_CLASS = {
  live: 'conn-up',
  connecting: 'conn-wait',
  offline: 'conn-down',
  'signed out': 'conn-down',
} as const;

/** The signed-in frame: top bar (title, live status, theme, user), page navigation, content. */
export function Layout({ children }: { children: ReactNode }) {
  const { me, config, signOut } = useSession();
  const { connection } = useLive();
  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="topbar">
        <h1 data-testid="title">{config.title}</h1>
        <span
          className={`conn ${CONNECTION_CLASS[connection]}`}
          data-testid="connection"
          title="Live updates (WebSocket)"
          role="status"
        >
          {connection}
        </span>
        <div className="spacer" />
        <ThemeToggle />
        <span className="muted small" data-testid="user-email" title={me.roles.join(', ')}>
          {me.email}
        </span>
        <button type="button" data-testid="sign-out" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <Nav />
      <main id="content" className="content" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
