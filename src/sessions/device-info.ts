import UAParser from 'ua-parser-js';

export interface DeviceInfo {
  browser?: string;
  browser_version?: string;
  os?: string;
  os_version?: string;
  /** 'desktop' when the user agent names no device type, else mobile, tablet, console... */
  device_type: string;
  device_vendor?: string;
  device_model?: string;
}

const MAX_USER_AGENT = 500;
const MAX_FIELD = 100;

/** Control characters dropped so a hostile user agent cannot forge log lines or break a page. */
function clean(value: string | undefined): string | undefined {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const text = value?.replace(/[\u0000-\u001f\u007f]/g, '').trim();
  return text ? text.slice(0, MAX_FIELD) : undefined;
}

function withoutEmpty(info: DeviceInfo): DeviceInfo {
  return Object.fromEntries(
    Object.entries(info).filter(([, value]) => value !== undefined),
  ) as DeviceInfo;
}

/** What the sessions list shows about a session's device, read from its User-Agent. */
export function deviceInfo(userAgent: string | undefined): DeviceInfo {
  const { browser, os, device } = new UAParser(
    userAgent?.slice(0, MAX_USER_AGENT) ?? '',
  ).getResult();
  return withoutEmpty({
    browser: clean(browser.name),
    browser_version: clean(browser.version),
    os: clean(os.name),
    os_version: clean(os.version),
    device_type: clean(device.type) ?? 'desktop',
    device_vendor: clean(device.vendor),
    device_model: clean(device.model),
  });
}
