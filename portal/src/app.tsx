import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { asProblem } from './api/problem';
import { SessionGate } from './auth/session-gate';
import { Layout } from './components/layout';
import { LiveProvider } from './live/live-provider';
import { PortalRouter } from './router';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // Refusals and bad requests do not get better by asking again; outages might.
      retry: (failures, error) => failures < 2 && asProblem(error).status >= 500,
      refetchOnWindowFocus: false,
    },
  },
});

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <SessionGate>
        <LiveProvider>
          <Layout>
            <PortalRouter />
          </Layout>
        </LiveProvider>
      </SessionGate>
    </QueryClientProvider>
  );
}
