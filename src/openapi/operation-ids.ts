/**
 * operationIds read as SDK method names, `<module>.<verb>` (`goals.create`,
 * `goals.listEvents`): the module from the controller's name, the verb from its method's,
 * renamed below where a method's own name reads badly from outside.
 */
const MODULE_OF_CONTROLLER: Readonly<Record<string, string>> = {
  GoalLedgerController: 'goals',
  MetricsController: 'metrics',
  OAuthClientsController: 'oauthClients',
  OAuthKeysController: 'oauthKeys',
  SsoDirectoryController: 'ssoSignInOptions',
  WebhooksAdminController: 'adminWebhooks',
};

const RENAMED: Readonly<Record<string, string>> = {
  'ApprovalsController.approve': 'decide',
  'AuthController.me': 'getMe',
  'DashboardController.agents': 'listAgents',
  'DashboardController.config': 'getConfig',
  'DashboardController.goals': 'listGoals',
  'DashboardController.settings': 'updateSettings',
  'DashboardController.stats': 'getStats',
  'DashboardController.widget': 'getWidget',
  'EvolutionController.report': 'getReport',
  'GoalLedgerController.ledger': 'getLedger',
  'GoalsController.events': 'listEvents',
  'GoalsController.submit': 'create',
  'GoalsController.tasks': 'listTasks',
  'MemoryController.maintain': 'runMaintenance',
  'MemoryController.stats': 'getStats',
  'MetricsController.index': 'get',
  'MfaController.disable': 'disableMethod',
  'MfaController.listDevices': 'listTrustedDevices',
  'MfaController.regenerate': 'regenerateBackupCodes',
  'MfaController.revokeDevice': 'revokeTrustedDevice',
  'MfaController.status': 'getStatus',
  'RolesController.assign': 'createAssignment',
  'RolesController.assignments': 'listAssignments',
  'RolesController.permissions': 'listPermissions',
  'RolesController.revoke': 'deleteAssignment',
  'TenantsController.config': 'updateConfig',
  'TenantsController.createKey': 'createApiKey',
  'TenantsController.current': 'getCurrent',
  'TenantsController.me': 'getMine',
  'TenantsController.meStats': 'getMyStats',
  'TenantsController.patch': 'update',
  'TenantsController.tenantStats': 'getStats',
  'TenantsController.update': 'updateCurrent',
};

export function operationIdOf(controllerKey: string, methodKey: string): string {
  const module =
    MODULE_OF_CONTROLLER[controllerKey] ??
    controllerKey
      .replace(/Controller$/, '')
      .replace(/^[A-Z]+(?=[A-Z][a-z]|$)|^[A-Z]/, (head) => head.toLowerCase());
  return `${module}.${RENAMED[`${controllerKey}.${methodKey}`] ?? methodKey}`;
}
