import type { z } from 'zod';
import { CoreError } from '../../errors.js';
import type { PlatformName } from '../../schema/platform.js';

/**
 * parseAnswer checks a platform answer against the shape we rely on and
 * returns it typed; a mismatch is ERR_PLATFORM_PROTOCOL naming only the
 * failing paths, never the values (an answer may carry a token).
 */
export function parseAnswer<T extends z.ZodType>(schema: T, body: unknown, platform: PlatformName, operation: string): z.output<T> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const paths = result.error.issues.map((i) => i.path.join('.') || '(root)').slice(0, 5).join(', ');
  throw new CoreError('ERR_PLATFORM_PROTOCOL', `${platform} ${operation}: unexpected answer shape at ${paths}`, { platform });
}
