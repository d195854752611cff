import { useCallback } from 'react';
import { useSearchParams } from 'wouter';

type Update = Record<string, string | number | string[] | null | undefined>;

/**
 * A page's filters in its address (`/goals?status=running&offset=20`): shareable, and the
 * back button steps through them. Empty values leave the address; lists join with commas.
 */
export function useUrlState(): [
  URLSearchParams,
  (update: Update, options?: { replace?: boolean }) => void,
] {
  const [params, setParams] = useSearchParams();
  const update = useCallback(
    (changes: Update, options: { replace?: boolean } = {}) =>
      setParams(
        (previous) => {
          const next = new URLSearchParams(previous);
          for (const [name, value] of Object.entries(changes)) {
            const text = Array.isArray(value) ? value.filter(Boolean).join(',') : value;
            if (text === null || text === undefined || String(text) === '') next.delete(name);
            else next.set(name, String(text));
          }
          return next;
        },
        { replace: options.replace ?? false },
      ),
    [setParams],
  );
  return [params, update];
}

/** A list filter from the address (`categories=A,B`). */
export function listParam(params: URLSearchParams, name: string): string[] {
  return (params.get(name) ?? '').split(',').filter(Boolean);
}

/** A whole non-negative number from the address, or the fallback. */
export function intParam(params: URLSearchParams, name: string, fallback: number): number {
  const value = Number(params.get(name));
  return Number.isInteger(value) && value >= 0 && params.has(name) ? value : fallback;
}
