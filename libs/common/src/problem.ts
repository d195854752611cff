import { DomainError } from './errors';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const PROBLEM_TYPE_BASE = 'https://agent-village.dev/problems/';

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  [extension: string]: unknown;
}

export function problemFromDomainError(error: DomainError, instance?: string): ProblemDocument {
  // the standard members last: an extension never overrides them
  return {
    ...error.extensions,
    type: PROBLEM_TYPE_BASE + error.type,
    title: error.title,
    status: error.status,
    detail: error.message,
    ...(instance ? { instance } : {}),
  };
}

export function problem(
  status: number,
  type: string,
  title: string,
  detail: string,
): ProblemDocument {
  return { type: PROBLEM_TYPE_BASE + type, title, status, detail };
}
