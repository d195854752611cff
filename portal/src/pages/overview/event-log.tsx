import { useEffect, useRef, useState } from 'react';
import { useLive } from '../../live/live-context';
import { describe, levelOf, LEVELS, type Level } from './event-text';

/** The tenant's live events as they arrive, filtered by level. */
export function EventLog() {
  const { events, clearEvents } = useLive();
  const [min, setMin] = useState<Level>('info');
  const [autoscroll, setAutoscroll] = useState(true);
  const list = useRef<HTMLOListElement>(null);
  useEffect(() => {
    if (autoscroll && list.current) list.current.scrollTop = list.current.scrollHeight;
  }, [events, autoscroll]);
  return (
    <section className="panel" data-testid="logs" aria-labelledby="log-heading">
      <div className="row">
        <h3 id="log-heading">Event log</h3>
        <div className="spacer" />
        <label>
          Level{' '}
          <select
            data-testid="log-level"
            value={min}
            onChange={(e) => setMin(e.target.value as Level)}
          >
            <option value="debug">all</option>
            <option value="info">info+</option>
            <option value="warn">warn+</option>
            <option value="error">error</option>
          </select>
        </label>
        <label>
          <input
            type="checkbox"
            checked={autoscroll}
            onChange={(e) => setAutoscroll(e.target.checked)}
          />{' '}
          auto-scroll
        </label>
        <button type="button" onClick={clearEvents}>
          Clear
        </button>
      </div>
      <ol ref={list} className="log" data-testid="log" aria-live="off">
        {events.map((e, i) => {
          const level = levelOf(e.event);
          const goalId = typeof e.data.goal_id === 'string' ? e.data.goal_id : '';
          return (
            <li
              key={e.id ?? `x${i}`}
              className={`l-${level}`}
              data-level={level}
              data-event={e.event}
              data-goal-id={goalId}
              hidden={LEVELS[level] < LEVELS[min]}
            >
              <span className="lv">{level.toUpperCase()}</span> {e.at.toISOString().slice(11, 19)} [
              {goalId.slice(0, 8)}] {e.event} {describe(e.event, e.data)}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
