import { z } from 'zod';

/** The shapes settings are written in: booleans, bounded integers, URLs, comma lists. */
export const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
export const int = (min: number, max: number) =>
  z.coerce
    .number({ message: 'must be a number' })
    .int({ message: 'must be an integer' })
    .min(min, { message: `must be at least ${min}` })
    .max(max, { message: `must be at most ${max}` });
export const url = (protocols: string[]) =>
  z
    .string()
    .url({ message: 'must be a URL' })
    .refine((v) => protocols.some((p) => v.startsWith(`${p}:`)), {
      message: `must use ${protocols.join(' or ')}`,
    });

export const commaList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  );

/** Absolute paths, comma separated (none: an empty value). */
export const absolutePathList = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .refine((paths) => paths.every((p) => p.startsWith('/') && !p.split('/').includes('..')), {
    message: 'must be absolute paths without ..',
  });

/** Hosts (`host` or `host:port`), comma separated, lower-cased: an allow-list of outbound calls. */
export const hostList = z
  .string()
  .default('')
  .transform((v) =>
    v
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
