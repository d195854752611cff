interface Device {
  browser?: string | null;
  browser_version?: string | null;
  os?: string | null;
  os_version?: string | null;
  device_type?: string | null;
}

/** "Chrome 131 · Linux · desktop", or "unknown device". */
export function describeDevice(device: unknown): string {
  const d = (device ?? {}) as Device;
  const browser = [d.browser, d.browser_version && String(d.browser_version).split('.')[0]]
    .filter(Boolean)
    .join(' ');
  const os = [d.os, d.os_version].filter(Boolean).join(' ');
  return [browser, os, d.device_type].filter(Boolean).join(' · ') || 'unknown device';
}

/** "Berlin, DE", or a dash. */
export function describePlace(geo: unknown): string {
  if (!geo) return '–';
  const g = geo as { city?: string | null; country?: string | null };
  return [g.city, g.country].filter(Boolean).join(', ') || '–';
}
