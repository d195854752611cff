/**
 * The WebSocket clients connected to this process, per tenant: the gateway counts them once
 * authenticated, the dashboard shows a tenant its own.
 */
export class ConnectedClients {
  private readonly byTenant = new Map<string, number>();

  add(tenantId: string): void {
    this.byTenant.set(tenantId, this.of(tenantId) + 1);
  }

  remove(tenantId: string): void {
    const left = this.of(tenantId) - 1;
    if (left > 0) this.byTenant.set(tenantId, left);
    else this.byTenant.delete(tenantId);
  }

  of(tenantId: string): number {
    return this.byTenant.get(tenantId) ?? 0;
  }
}

export const connectedClients = new ConnectedClients();
