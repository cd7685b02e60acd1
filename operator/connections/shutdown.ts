import type { InDoubtResolution, IssuedToken, IssueRequest, Observation, PlatformClient, TokenRef } from '../../core/contract/adapter.js';
import type { Capabilities } from '../../core/contract/capabilities.js';
import { CoreError, isCoreError } from '../../core/errors.js';

// Why platform calls listen to shutdown: a platform that answers 429 with
// Retry-After: 60 makes the client sleep for a minute before its next
// attempt, and a worker in that sleep held SIGTERM for longer than a Pod's
// 30 s grace, so the kubelet's SIGKILL ended it instead. Every call now also
// ends when the operator stops; the reconcile then fails like any other
// interrupted step, and the next leader picks the token up from its state.

/**
 * withShutdown returns the client with every call also aborted by the
 * operator's shutdown signal. An issue aborted by shutdown on a platform
 * that can settle an in-doubt create exactly (list, or an idempotent create
 * replayed by its key) is reported in doubt, so the intent stays recorded:
 * the aborted wait may have followed an attempt that landed, and the next
 * start settles it instead of issuing a second token. Where the platform
 * cannot settle it, the client never waits after an attempt that may have
 * landed (it reports in doubt at once), so an abort there created nothing.
 */
export function withShutdown(client: PlatformClient, capabilities: Capabilities, shutdown: AbortSignal): PlatformClient {
  const both = (signal: AbortSignal | undefined): AbortSignal => (signal === undefined ? shutdown : AbortSignal.any([signal, shutdown]));
  const settleable = capabilities.list || capabilities.idempotentCreate;
  const update = client.update?.bind(client);
  const roll = client.roll?.bind(client);
  return {
    async issue(request: IssueRequest, signal?: AbortSignal): Promise<IssuedToken> {
      try {
        return await client.issue(request, both(signal));
      } catch (error) {
        if (settleable && shutdown.aborted && isCoreError(error, 'ERR_ABORTED')) {
          throw new CoreError('ERR_CREATE_IN_DOUBT', 'the operator stopped while a create was being retried; the next start settles whether it landed', { cause: error });
        }
        throw error;
      }
    },
    observe: (ref: TokenRef, signal?: AbortSignal): Promise<Observation> => client.observe(ref, both(signal)),
    revoke: (ref: TokenRef, signal?: AbortSignal): Promise<void> => client.revoke(ref, both(signal)),
    resolveInDoubt: (request: IssueRequest, signal?: AbortSignal): Promise<InDoubtResolution> => client.resolveInDoubt(request, both(signal)),
    ...(update === undefined ? {} : { update: (ref: TokenRef, request: Omit<IssueRequest, 'idempotencyKey'>, signal?: AbortSignal) => update(ref, request, both(signal)) }),
    ...(roll === undefined ? {} : { roll: (ref: TokenRef, signal?: AbortSignal) => roll(ref, both(signal)) }),
  };
}
