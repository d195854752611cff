/** A sign-in page's form: each field once, as text. */
export type InteractionForm = Record<string, string | undefined>;

/**
 * The fields of a posted sign-in form, or the name of the first one that is not a single
 * text value (a field sent twice arrives as a list).
 */
export function readInteractionForm(
  body: unknown,
): { form: InteractionForm } | { unreadable: string } {
  const form: InteractionForm = {};
  for (const [name, value] of Object.entries((body ?? {}) as Record<string, unknown>)) {
    if (typeof value !== 'string') return { unreadable: name };
    form[name] = value;
  }
  return { form };
}
