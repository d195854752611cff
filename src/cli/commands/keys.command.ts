import { unwrap } from '#sdk';
import { need, UsageError } from '../cli-errors';
import type { CommandContext } from '../command-context';

/** `keys list`, `keys create --name <n> --scopes <a,b>`, `keys revoke <id>`. */
export async function keysCommand(verb: string | undefined, ctx: CommandContext): Promise<void> {
  const { av, out, args, flags } = ctx;
  switch (verb) {
    case 'list': {
      const { items } = unwrap(await av.api.GET('/api/v1/api-keys'));
      return out.result(items, () =>
        items.map((k) => ({
          id: k.id,
          name: k.name,
          prefix: k.prefix,
          status: k.status,
          scopes: k.scopes,
        })),
      );
    }
    case 'create': {
      const created = unwrap(
        await av.api.POST('/api/v1/api-keys', {
          body: {
            name: need(typeof flags.name === 'string' ? flags.name : undefined, '--name'),
            scopes: need(typeof flags.scopes === 'string' ? flags.scopes : undefined, '--scopes')
              .split(',')
              .map((scope) => scope.trim()),
          },
        }),
      );
      out.say('The key is shown once: store it now.');
      return out.result(created, () => [{ id: created.id, name: created.name, key: created.key }]);
    }
    case 'revoke': {
      const id = need(args[0], 'a key id');
      const revoked = unwrap(
        await av.api.POST('/api/v1/api-keys/{id}/revoke', { params: { path: { id } } }),
      );
      return out.result(revoked, () => [{ id: revoked.id, status: revoked.status }]);
    }
    default:
      throw new UsageError(`unknown keys command ${verb ?? ''}`.trim());
  }
}
