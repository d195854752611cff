import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { keys } from '../../api/query-keys';
import { useElevation } from '../../components/elevation';
import { ProblemAlert } from '../../components/problem-alert';
import { Spinner } from '../../components/spinner';

/** Drain a worker: it takes no new jobs, finishes its own, then leaves the registry. */
export function WorkerDrain({ id, status }: { id: string; status: string }) {
  const queryClient = useQueryClient();
  const { elevated, dialog } = useElevation();
  const drain = useMutation({
    mutationFn: () =>
      elevated(() => unwrap(api.POST('/api/v1/workers/{id}/drain', { params: { path: { id } } }))),
    onSuccess: () => {
      // the worker moves to DRAINING (or leaves) just after the answer: look again shortly
      void queryClient.invalidateQueries({ queryKey: keys.workers });
      setTimeout(() => void queryClient.invalidateQueries({ queryKey: keys.workers }), 1500);
    },
  });
  const lower = status.toLowerCase();
  if (lower === 'offline' || lower === 'draining') return null;
  if (drain.isSuccess)
    return (
      <span role="status" data-testid="worker-drain-requested">
        Draining: it finishes its jobs, then leaves
      </span>
    );
  return (
    <>
      {dialog}
      <button
        type="button"
        data-testid="worker-drain"
        aria-label={`Drain worker ${id}`}
        disabled={drain.isPending}
        onClick={() => {
          if (window.confirm(`Drain ${id}? It finishes its jobs and takes no new ones.`))
            drain.mutate();
        }}
      >
        {drain.isPending ? <Spinner label="Draining" /> : null} Drain
      </button>
      <ProblemAlert error={drain.error} testId="worker-drain-msg" />
    </>
  );
}
