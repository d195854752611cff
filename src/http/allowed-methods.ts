/** What the filter reads of an Express 5 router layer. */
interface RouteLayer {
  route?: { methods?: Record<string, boolean> };
  match?(path: string): unknown;
}

/**
 * The methods the Express application routes for `path`, for the Allow header of a 405:
 * the routes of its router whose pattern matches the path (HEAD wherever GET is).
 * Empty when no route has that path, which is then a 404.
 */
export function allowedMethods(app: unknown, path: string): string[] {
  const stack = (app as { router?: { stack?: RouteLayer[] } } | undefined)?.router?.stack ?? [];
  const methods = new Set<string>();
  for (const layer of stack) {
    if (!layer.route?.methods || typeof layer.match !== 'function' || !layer.match(path)) continue;
    for (const method of Object.keys(layer.route.methods))
      if (method !== '_all') methods.add(method.toUpperCase());
  }
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods].sort();
}
