import { useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { api, unwrap } from '../../api/client';
import { idempotencyKey } from '../../api/idempotency';
import { asProblem } from '../../api/problem';
import { useLive } from '../../live/live-context';
import { Spinner } from '../../components/spinner';

const PATTERNS = ['single', 'council', 'swarm', 'market'] as const;
type Pattern = (typeof PATTERNS)[number];
/** The API's default priority, sent as such (the typed body names every defaulted field). */
const DEFAULT_PRIORITY = 5;

/**
 * Submit a goal: over the live socket when it is open (the answer arrives with the stream),
 * else over REST. The answer links to the new goal's page; `onAccepted` gets its id.
 */
export function GoalForm({ onAccepted }: { onAccepted?(goalId: string): void }) {
  const live = useLive();
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [pattern, setPattern] = useState<'' | Pattern>('');
  const [message, setMessage] = useState('');
  const [accepted, setAccepted] = useState<string | null>(null);
  const submit = useMutation({
    mutationFn: async (payload: { goal: string; pattern?: Pattern }) => {
      if (live.isOpen()) return live.request<{ goal_id: string }>('goal.submit', payload);
      return unwrap(
        api.POST('/api/v1/goals', {
          // One key per submission: a retried request cannot create the goal twice.
          params: { header: { 'Idempotency-Key': idempotencyKey() } },
          body: { priority: DEFAULT_PRIORITY, ...payload },
        }),
      ) as Promise<{
        goal_id: string;
      }>;
    },
    onSuccess: (res) => {
      setMessage('accepted');
      setAccepted(res.goal_id);
      setText('');
      void queryClient.invalidateQueries({ queryKey: ['dashboard'] });
      void queryClient.invalidateQueries({ queryKey: ['goals'] });
      void queryClient.invalidateQueries({ queryKey: ['tenant'] }); // goals today went up by one
      onAccepted?.(res.goal_id);
    },
    onError: (err) => {
      setAccepted(null);
      setMessage(`rejected: ${asProblem(err).message}`);
    },
  });

  return (
    <form
      data-testid="goal-form"
      onSubmit={(e) => {
        e.preventDefault();
        const goal = text.trim();
        if (!goal) return;
        setMessage('');
        submit.mutate({ goal, ...(pattern ? { pattern } : {}) });
      }}
    >
      <label htmlFor="goal-input" className="small muted">
        New goal
      </label>
      <textarea
        id="goal-input"
        data-testid="goal-input"
        rows={3}
        maxLength={20000}
        placeholder="Describe a goal, e.g. Research cats. Research dogs. Compare them."
        required
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <div className="row">
        <label>
          Pattern{' '}
          <select value={pattern} onChange={(e) => setPattern(e.target.value as '' | Pattern)}>
            <option value="">automatic</option>
            {PATTERNS.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" data-testid="goal-submit" disabled={submit.isPending}>
          {submit.isPending ? <Spinner label="Submitting" /> : null} Submit goal
        </button>
        <span className="muted" role="status" data-testid="goal-form-msg">
          {message}{' '}
          {accepted && message === 'accepted' ? (
            <Link href={`/goals/${accepted}`} data-testid="goal-accepted" data-goal-id={accepted}>
              {accepted.slice(0, 8)}
            </Link>
          ) : null}
        </span>
      </div>
    </form>
  );
}
