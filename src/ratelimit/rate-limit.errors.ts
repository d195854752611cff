import { Conflict, DomainError, NotFound } from '#common';

export class RateLimited extends DomainError {
  constructor(
    readonly retryAfterS: number,
    rule: string,
    limit: number,
  ) {
    super(
      429,
      'rate-limited',
      'Too many requests',
      `The rate limit "${rule}" of ${limit} requests is used up; retry in ${retryAfterS} s.`,
      { retry_after_s: retryAfterS, rule },
    );
  }
}

export class RateLimitRuleNotFound extends NotFound {
  constructor(id: string) {
    super('rate-limit-rule', id);
  }
}

export class RateLimitRuleNameTaken extends Conflict {
  constructor(name: string) {
    super(
      'rate-limit-rule-name-taken',
      'Rule name taken',
      `A rate limit rule named "${name}" exists already.`,
    );
  }
}
