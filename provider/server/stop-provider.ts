import type { ServerState } from './state.js';

/**
 * stopProvider is Terraform's "please stop" (e.g. on Ctrl-C): it aborts the
 * signal every in-flight resource call holds. The calls still answer; the
 * process exits later on GRPCController.Shutdown.
 */
export function stopProvider<Ctx>(state: ServerState<Ctx>): Promise<{ Error: string }> {
  state.log.log('info', 'StopProvider: aborting in-flight work');
  state.stop.abort(new Error('Terraform asked the provider to stop'));
  return Promise.resolve({ Error: '' });
}
