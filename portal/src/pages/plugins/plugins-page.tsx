import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { adminKeys } from '../../api/admin-keys';
import type { Schema } from '../../api/types';
import { can } from '../../auth/permissions';
import { useSession } from '../../auth/session-context';
import { Badge } from '../../components/badge';
import { fmtWhen } from '../../components/format';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading, Spinner } from '../../components/spinner';

type Plugin = Schema<'PluginDto'>;
type Action = 'enable' | 'disable' | 'reload';
const STATUS_CLASS: Record<string, string> = {
  LOADED: 's-completed',
  DISABLED: 's-cancelled',
  DEGRADED: 's-pending',
  FAILED: 's-failed',
};

function PluginRow({ p, canManage }: { p: Plugin; canManage: boolean }) {
  const queryClient = useQueryClient();
  const act = useMutation({
    mutationFn: (action: Action) => {
      const path = { params: { path: { name: p.name } } };
      if (action === 'enable') return unwrap(api.POST('/api/v1/plugins/{name}/enable', path));
      if (action === 'disable') return unwrap(api.POST('/api/v1/plugins/{name}/disable', path));
      return unwrap(api.POST('/api/v1/plugins/{name}/reload', path));
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: adminKeys.plugins }),
  });
  const button = (action: Action, label: string) => (
    <button
      type="button"
      data-testid={`plugin-${action}`}
      disabled={act.isPending}
      onClick={() => act.mutate(action)}
    >
      {act.isPending && act.variables === action ? <Spinner label={label} /> : null} {label}
    </button>
  );
  return (
    <tr data-testid="plugin-row" data-plugin={p.name} data-status={p.status}>
      <td>
        <strong>{p.name}</strong> <span className="muted small">{p.version ?? ''}</span>
        <div className="muted small">{p.description ?? ''}</div>
        <div className="muted small">
          {p.source} ({p.origin})
        </div>
      </td>
      <td>{p.type?.toLowerCase() ?? '–'}</td>
      <td>
        <Badge
          value={p.status.toLowerCase()}
          className={STATUS_CLASS[p.status]}
          testId="plugin-status"
        />
        {p.last_error ? <div className="small problem-text">{p.last_error}</div> : null}
      </td>
      <td className="small">
        {p.tools.length ? `tools: ${p.tools.join(', ')}` : ''}
        {p.hooks.length ? <div>hooks: {p.hooks.length}</div> : null}
        <div className="muted">loaded {fmtWhen(p.loaded_at)}</div>
      </td>
      <td className="actions">
        {canManage ? (
          <>
            {p.status === 'DISABLED' ? button('enable', 'Enable') : button('disable', 'Disable')}
            {button('reload', 'Reload')}
          </>
        ) : null}
        <ProblemAlert error={act.error} testId="plugin-msg" />
      </td>
    </tr>
  );
}

/** The loaded plugins and their state; platform administrators disable, enable, reload. */
export function PluginsPage() {
  const { me } = useSession();
  const plugins = useQuery({
    queryKey: adminKeys.plugins,
    queryFn: () => unwrap(api.GET('/api/v1/plugins')),
  });
  const canManage = can(me, 'plugin:manage');
  return (
    <Page title="Plugins" testId="plugins">
      {plugins.isPending ? <Loading what="plugins" /> : null}
      <ProblemAlert error={plugins.error} testId="plugins-msg" />
      <table className="grid">
        <caption className="sr-only">Plugins</caption>
        <thead>
          <tr>
            <th scope="col">Plugin</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Parts</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody data-testid="plugins-list">
          {plugins.data && !plugins.data.items.length ? (
            <tr>
              <td colSpan={5} className="muted">
                no plugins loaded (PLUGINS, PLUGINS_DIR)
              </td>
            </tr>
          ) : null}
          {(plugins.data?.items ?? []).map((p) => (
            <PluginRow key={p.name} p={p} canManage={canManage} />
          ))}
        </tbody>
      </table>
    </Page>
  );
}
