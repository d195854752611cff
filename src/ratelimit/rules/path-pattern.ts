const compiled = new Map<string, RegExp>();

/** `/api/v1/goals/*` matches one segment in place of `*`; `**` matches any number of them. */
export function matchesPath(pattern: string, path: string): boolean {
  let regex = compiled.get(pattern);
  if (!regex) {
    const body = pattern
      .split(/(\*\*|\*)/)
      .map((part) =>
        part === '**' ? '.*' : part === '*' ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'),
      )
      .join('');
    regex = new RegExp(`^${body.replace(/\/\.\*$/, '(?:/.*)?')}$`);
    compiled.set(pattern, regex);
  }
  return regex.test(path);
}
