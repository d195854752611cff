import { Conflict, DomainError } from '#common';

/** Why a plugin was not loaded (bad metadata, host API mismatch, settings, a throwing load). */
export class PluginRefused extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'PluginRefused';
  }
}

export class PluginNotFound extends DomainError {
  constructor(name: string) {
    super(404, 'plugin-not-found', 'Plugin not found', `No plugin named ${name}.`);
  }
}

export class PluginStateConflict extends Conflict {
  constructor(name: string, action: string, status: string) {
    super(
      'plugin-state-conflict',
      'Plugin state conflict',
      `Plugin ${name} is ${status} and cannot be ${action}.`,
      { plugin_status: status },
    );
  }
}
