import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import { Page } from '../../components/page';
import { ProblemAlert } from '../../components/problem-alert';
import { Loading } from '../../components/spinner';

/** A tool as `GET /api/v1/tools` describes it (the spec has no schema for it yet). */
interface Tool {
  name: string;
  description: string;
  parameters: unknown;
  permission: string;
  risk: string;
  requires_approval: boolean;
  has_side_effects: boolean;
}

/** The tools agents may call: what they do, their parameters, permission and risk. */
export function ToolsPage() {
  const tools = useQuery({
    queryKey: keys.tools,
    queryFn: async () => (await unwrap(api.GET('/api/v1/tools'))) as unknown as { items: Tool[] },
  });
  return (
    <Page title="Tools" testId="tools-page">
      {tools.isPending ? <Loading what="tools" /> : null}
      <ProblemAlert error={tools.error} permission="tool:read" action="list the tools" />
      {tools.data ? (
        <table className="grid">
          <caption className="sr-only">Tools</caption>
          <thead>
            <tr>
              <th scope="col">Tool</th>
              <th scope="col">What it does</th>
              <th scope="col">Permission</th>
              <th scope="col">Risk</th>
              <th scope="col">Approval</th>
              <th scope="col">Parameters</th>
            </tr>
          </thead>
          <tbody data-testid="tools">
            {tools.data.items.map((t) => (
              <tr key={t.name} data-testid="tool-row" data-tool={t.name}>
                <td>
                  <code>{t.name}</code>
                </td>
                <td>{t.description}</td>
                <td>{t.permission}</td>
                <td>
                  <span className={`badge risk-${t.risk}`}>{t.risk}</span>
                </td>
                <td>
                  {t.requires_approval ? 'required' : t.has_side_effects ? 'side effects' : '–'}
                </td>
                <td>
                  <details>
                    <summary>schema</summary>
                    <pre className="result small">{JSON.stringify(t.parameters, null, 2)}</pre>
                  </details>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}
