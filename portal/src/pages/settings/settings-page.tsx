import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import type { DashboardConfig } from '../../api/types';
import { useSession } from '../../auth/session-context';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';
import { saveTheme } from '../../components/theme';

const PANELS: DashboardConfig['panels'] = ['stats', 'tenant', 'goals', 'agents', 'metrics', 'logs'];

/** The tenant's portal settings (everyone in the tenant sees them): refresh, theme, panels. */
export function SettingsPage() {
  const { config } = useSession();
  const queryClient = useQueryClient();
  const [refresh, setRefresh] = useState(String(config.refresh_ms));
  const [theme, setTheme] = useState(config.theme);
  const [ws, setWs] = useState(config.ws_url);
  const [panels, setPanels] = useState(config.panels);
  const save = useMutation({
    mutationFn: () =>
      unwrap(
        api.POST('/dashboard/settings', {
          body: { refresh_ms: Number(refresh), theme, panels, ...(ws ? { ws_url: ws } : {}) },
        }),
      ),
    onSuccess: (saved) => {
      saveTheme(saved.theme);
      queryClient.setQueryData(keys.config, saved);
    },
  });
  return (
    <Page title="Portal settings" testId="settings">
      <form
        className="settings-form"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate();
        }}
      >
        <label>
          Refresh interval (ms)
          <input
            type="number"
            data-testid="set-refresh"
            min={500}
            max={3600000}
            step={100}
            required
            value={refresh}
            onChange={(e) => setRefresh(e.target.value)}
          />
        </label>
        <label>
          WebSocket URL
          <input
            type="url"
            data-testid="set-ws"
            placeholder="ws(s)://this host/ws"
            value={ws}
            onChange={(e) => setWs(e.target.value)}
          />
        </label>
        <label>
          Theme
          <select
            data-testid="set-theme"
            value={theme}
            onChange={(e) => setTheme(e.target.value as typeof theme)}
          >
            <option value="dark">dark</option>
            <option value="light">light</option>
          </select>
        </label>
        <fieldset data-testid="set-panels">
          <legend>Overview panels</legend>
          {PANELS.map((p) => (
            <label key={p} className="check">
              <input
                type="checkbox"
                value={p}
                checked={panels.includes(p)}
                onChange={(e) =>
                  setPanels(e.target.checked ? [...panels, p] : panels.filter((x) => x !== p))
                }
              />{' '}
              {p}
            </label>
          ))}
        </fieldset>
        <div className="row">
          <button
            type="submit"
            className="primary"
            data-testid="settings-save"
            disabled={save.isPending}
          >
            {save.isPending ? <Spinner label="Saving" /> : null} Save
          </button>
          <span className="muted" role="status" data-testid="settings-msg">
            {save.isSuccess ? 'Saved.' : ''}
          </span>
        </div>
        <ProblemAlert
          error={save.error}
          permission="admin:settings"
          action="change the portal settings"
        />
      </form>
    </Page>
  );
}
