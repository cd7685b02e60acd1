import { CoreError } from '../../errors.js';

/** A Sleep waits `ms` milliseconds, or rejects with ERR_ABORTED as soon as `signal` fires. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** realSleep is the default Sleep, on node's timers; tests inject a fake clock instead. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted === true) {
      reject(abortedError(signal));
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** abortedError is the CoreError every adapter raises when its caller's signal fires. */
export function abortedError(signal: AbortSignal | undefined, platform?: string): CoreError {
  const cause: unknown = signal?.reason;
  const options = platform === undefined ? { cause } : { cause, platform };
  return new CoreError('ERR_ABORTED', 'The operation was aborted by its caller', options);
}
