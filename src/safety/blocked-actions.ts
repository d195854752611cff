import { classifyHostLiteral, describeRefusal, isMetadataHostname } from '#net/address-classifier';
import { isAllowListed } from '#net/safe-http';

/**
 * Detects destructive or internal-network actions in a tool call's arguments, however they
 * are spelled: quotes, backslashes, `${IFS}`, odd spacing or case, absolute paths of the
 * binary, split or reordered flags, command prefixes (sudo, env, xargs ...), SQL comments,
 * and any IPv4/IPv6 spelling of internal addresses. Pure code, no I/O.
 */
export interface BlockedFinding {
  rule:
    'recursive-delete' | 'drop-database' | 'format-disk' | 'internal-address' | 'metadata-endpoint';
  detail: string;
}

const PREFIXES = new Set([
  'sudo',
  'doas',
  'env',
  'nohup',
  'command',
  'exec',
  'builtin',
  'xargs',
  'time',
  'nice',
  'ionice',
  'busybox',
  'timeout',
  'stdbuf',
  'setsid',
  'chroot',
  'unbuffer',
  'then',
  'do',
  'else',
  'eval',
  'sh',
  'bash',
  '-c',
  'subprocess.run',
  'os.system',
]);
const ROOTISH = new Set(['/', '/*', '~', '~/', '/.', '$home', '${home}', '.', '..', '*']);
const SYSTEM_DIRS = [
  '/bin',
  '/boot',
  '/dev',
  '/etc',
  '/home',
  '/lib',
  '/opt',
  '/proc',
  '/root',
  '/sbin',
  '/srv',
  '/sys',
  '/usr',
  '/var',
];

/** Undoes the usual shell obfuscations so the command reads as the shell would run it. */
export function normalizeShell(text: string): string {
  return text
    .replace(/\$\{?IFS\}?/gi, ' ')
    .replace(/\\\r?\n/g, '')
    .replace(/\$'([^']*)'/g, '$1')
    .replace(/["'`\\]/g, '')
    .replace(/\$\{?[a-z_]*\}?/gi, (m) => (m.toLowerCase().includes('home') ? '~' : m))
    .toLowerCase();
}

/** Splits normalized text into simple commands at shell and code separators. */
function segments(normalized: string): string[][] {
  return normalized
    .split(/[;&|\n\r(){}[\]<>,]+|\$\(|\bthen\b|\bdo\b/)
    .map((s) => s.trim().split(/\s+/).filter(Boolean))
    .filter((words) => words.length > 0);
}

function baseName(word: string): string {
  const w = word.replace(/^\.\//, '');
  return w.includes('/') ? w.slice(w.lastIndexOf('/') + 1) : w;
}

/** Drops wrappers (sudo, env VAR=x, xargs, busybox ...) in front of the real command. */
function realCommand(words: string[]): string[] {
  let i = 0;
  while (i < words.length) {
    const w = baseName(words[i]);
    if (PREFIXES.has(w) || PREFIXES.has(words[i]) || /^[a-z_][a-z0-9_]*=/.test(words[i])) i++;
    else if (i > 0 && /^-/.test(words[i]) && PREFIXES.has(baseName(words[i - 1]))) i++;
    else break;
  }
  return words.slice(i);
}

function isDangerousTarget(target: string): boolean {
  const t = target.replace(/\/+$/, '') || '/';
  if (ROOTISH.has(target) || ROOTISH.has(t)) return true;
  if (/^\/+\*?$/.test(target)) return true;
  return SYSTEM_DIRS.some((d) => t === d || t === `${d}/*`);
}

function checkRm(words: string[]): BlockedFinding | undefined {
  let recursive = false;
  let force = false;
  let noPreserve = false;
  const targets: string[] = [];
  for (const w of words.slice(1)) {
    if (w === '--recursive') recursive = true;
    else if (w === '--force') force = true;
    else if (w === '--no-preserve-root') noPreserve = true;
    else if (/^-[a-z]+$/i.test(w)) {
      if (/[r]/i.test(w)) recursive = true;
      if (/f/.test(w)) force = true;
    } else if (w !== '--') targets.push(w);
  }
  if (recursive && (force || noPreserve || targets.some(isDangerousTarget)))
    return { rule: 'recursive-delete', detail: `recursive delete: ${words.join(' ')}` };
  return undefined;
}

function checkFind(words: string[]): BlockedFinding | undefined {
  const destructive = words.some(
    (w, i) =>
      w === '-delete' ||
      (w === '-exec' && ['rm', 'shred', 'unlink'].includes(baseName(words[i + 1] ?? ''))),
  );
  if (!destructive) return undefined;
  const starts = words.slice(1).filter((w) => !w.startsWith('-') && !w.startsWith('('));
  if (!starts.length || starts.some(isDangerousTarget) || starts.some((s) => s.startsWith('/')))
    return { rule: 'recursive-delete', detail: `find with delete on ${starts[0] ?? '.'}` };
  return undefined;
}

function checkCommands(text: string): BlockedFinding | undefined {
  const normalized = normalizeShell(text);
  for (const seg of segments(normalized)) {
    const words = realCommand(seg);
    if (!words.length) continue;
    const cmd = baseName(words[0]);
    if (cmd === 'rm') {
      const hit = checkRm(words);
      if (hit) return hit;
    }
    if (cmd === 'find') {
      const hit = checkFind(words);
      if (hit) return hit;
    }
    if (/^(mkfs(\.\w+)?|mke2fs|mkswap|wipefs|newfs)$/.test(cmd))
      return { rule: 'format-disk', detail: `disk format command: ${cmd}` };
    if (cmd === 'format' && words.some((w) => /^[a-z]:$/.test(w)))
      return {
        rule: 'format-disk',
        detail: `format of drive ${words.find((w) => /^[a-z]:$/.test(w))}`,
      };
    if (cmd === 'dd' && words.some((w) => /^of=\/dev\//.test(w)))
      return { rule: 'format-disk', detail: 'dd onto a device' };
  }
  if (/\bshutil\s*\.\s*rmtree\s*\(\s*(\/|~|\.\.?\s*\))/.test(normalized.replace(/["']/g, '')))
    return { rule: 'recursive-delete', detail: 'shutil.rmtree of a root directory' };
  return undefined;
}

/** DROP DATABASE / DROP SCHEMA in any case, spacing or with SQL comments in between. */
function checkSql(text: string): BlockedFinding | undefined {
  const stripped = text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/--[^\n]*/g, ' ')
    .replace(/["'`\\]/g, '')
    .replace(/\$\{?IFS\}?/gi, ' ');
  const m = /\bdrop\s+(database|schema)\b/i.exec(stripped);
  return m ? { rule: 'drop-database', detail: `DROP ${m[1].toUpperCase()}` } : undefined;
}

const URL_RE = /\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>`]+/gi;
const IPV4_LIKE = /(?<![\w.])(?:0x[0-9a-f]+|\d+)(?:\.(?:0x[0-9a-f]+|\d+)){0,3}(?![\w.])/gi;
const IPV6_LIKE = /\[[0-9a-f:.%a-z]+\]|(?<![\w:])(?:[0-9a-f]{0,4}:){2,7}[0-9a-f.]{0,15}(?![\w:])/gi;

function checkAddresses(
  text: string,
  allowHosts: readonly string[],
  bareAddresses: boolean,
): BlockedFinding | undefined {
  for (const raw of text.match(URL_RE) ?? []) {
    let url: URL;
    try {
      url = new URL(raw.replace(/[),.;]+$/, ''));
    } catch {
      continue;
    }
    if (isAllowListed(url, allowHosts)) continue;
    if (isMetadataHostname(url.hostname))
      return { rule: 'metadata-endpoint', detail: `cloud metadata endpoint ${url.hostname}` };
    const verdict = classifyHostLiteral(url.hostname);
    if (verdict && !verdict.allowed) return finding(verdict);
  }
  if (!bareAddresses) return undefined;
  const withoutUrls = text.replace(URL_RE, ' ');
  for (const token of withoutUrls.match(IPV4_LIKE) ?? []) {
    if (!token.includes('.') && !/^0x/i.test(token)) continue; // plain numbers are not addresses
    const verdict = classifyHostLiteral(token);
    if (verdict && !verdict.allowed && verdict.kind !== 'invalid') return finding(verdict);
  }
  for (const token of withoutUrls.match(IPV6_LIKE) ?? []) {
    const verdict = classifyHostLiteral(token);
    if (verdict && !verdict.allowed && verdict.kind !== 'invalid') return finding(verdict);
  }
  for (const host of ['metadata.google.internal', '169.254.169.254', 'fd00:ec2::254'])
    if (text.toLowerCase().includes(host))
      return { rule: 'metadata-endpoint', detail: `cloud metadata endpoint ${host}` };
  return undefined;
}

function finding(verdict: ReturnType<typeof classifyHostLiteral> & object): BlockedFinding {
  return verdict.kind === 'metadata'
    ? { rule: 'metadata-endpoint', detail: `cloud metadata endpoint ${verdict.address}` }
    : { rule: 'internal-address', detail: `internal address: ${describeRefusal(verdict)}` };
}

function strings(
  value: unknown,
  out: Array<{ key: string; text: string }> = [],
  key = '',
): Array<{ key: string; text: string }> {
  if (typeof value === 'string') out.push({ key, text: value });
  else if (Array.isArray(value)) value.forEach((v) => strings(v, out, key));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) strings(v, out, k);
  return out;
}

export interface BlockedActionOptions {
  /** Hosts the operator opened for the web tools (`host` or `host:port`). */
  allowHosts?: readonly string[];
  /** Treat every string as code or a command (bare IP addresses count). */
  isCode?: boolean;
}

/** The first blocked action found in a tool call's arguments, if any. */
export function findBlockedAction(
  args: unknown,
  options: BlockedActionOptions = {},
): BlockedFinding | undefined {
  for (const { key, text } of strings(args)) {
    const hit =
      checkCommands(text) ??
      checkSql(text) ??
      checkAddresses(
        text,
        options.allowHosts ?? [],
        options.isCode === true || /^(command|code|script|host)$/i.test(key),
      );
    if (hit) return hit;
  }
  return undefined;
}
