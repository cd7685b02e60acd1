import { parseArgs } from 'node:util';
import { adapterFor } from '../../core/platforms/registry.js';
import { createLogger } from '../../operator/runtime/logger.js';
import { runOperator, watchedNamespaces } from '../../operator/main.js';
import type { Command } from './command.js';

const usage = `usage: sftoken operator [flags]

Runs the StorefrontToken operator against the current kubeconfig.

  --kubeconfig PATH        kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster)
  --namespace NS           the operator's namespace: its Lease, and credentials of
                           ClusterPlatformConnections that name none (default: the context's)
  --watch-namespace NS[,NS...]
                           reconcile only these namespaces, each listed and watched on
                           its own (repeatable or comma-separated; default: all)
  --cluster-connections true|false
                           watch ClusterPlatformConnections, cluster-wide (default true);
                           false: tokens naming one get ClusterConnectionsDisabled, and with
                           --watch-namespace nothing cluster-wide is listed or watched
  --workers N              tokens reconciled at once (default 16)
  --poll-interval SECONDS  how often a steady token is checked at its platform (default 600)
  --health-addr HOST:PORT  /healthz, /readyz and /metrics (default 127.0.0.1:8080; port 0 picks one)
  --no-leader-elect        run without a Lease (only ever one replica)
  --lease-name NAME        Lease name (default storefront-token-operator)
  --log-level LEVEL        debug, info, warn, error (default info)
`;

/** operatorCommand is `sftoken operator`: the Kubernetes operator, JSON logs on stdout. */
export const operatorCommand: Command = {
  name: 'operator',
  summary: 'run the StorefrontToken Kubernetes operator against the current kubeconfig',
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...argv],
        options: {
          kubeconfig: { type: 'string' },
          namespace: { type: 'string' },
          'watch-namespace': { type: 'string', multiple: true },
          'cluster-connections': { type: 'string' },
          workers: { type: 'string' },
          'poll-interval': { type: 'string' },
          'health-addr': { type: 'string' },
          'no-leader-elect': { type: 'boolean' },
          'lease-name': { type: 'string' },
          'log-level': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      }));
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
      return 2;
    }
    if (values.help === true) {
      process.stdout.write(usage);
      return 0;
    }
    const clusterConnections = values['cluster-connections'];
    if (clusterConnections !== undefined && clusterConnections !== 'true' && clusterConnections !== 'false') {
      process.stderr.write(`--cluster-connections must be true or false, not "${clusterConnections}"\n\n${usage}`);
      return 2;
    }
    let watchNamespaces: readonly string[] | undefined;
    try {
      const listed = values['watch-namespace']?.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
      watchNamespaces = listed === undefined ? undefined : watchedNamespaces({ watchNamespaces: listed });
    } catch (error) {
      process.stderr.write(`--watch-namespace: ${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
      return 2;
    }
    const [host = '127.0.0.1', port = '8080'] = (values['health-addr'] ?? '127.0.0.1:8080').split(/:(?=[^:]*$)/);
    const log = createLogger({ level: values['log-level'] ?? 'info' });
    const operator = await runOperator({
      adapterFor,
      log,
      healthHost: host,
      healthPort: Number(port),
      leaderElection: values['no-leader-elect'] !== true,
      ...(values.kubeconfig === undefined ? {} : { kubeconfigPath: values.kubeconfig }),
      ...(values.namespace === undefined ? {} : { namespace: values.namespace }),
      ...(watchNamespaces === undefined ? {} : { watchNamespaces }),
      ...(clusterConnections === undefined ? {} : { clusterConnections: clusterConnections === 'true' }),
      ...(values.workers === undefined ? {} : { workers: Number(values.workers) }),
      ...(values['poll-interval'] === undefined ? {} : { pollIntervalMs: Number(values['poll-interval']) * 1000 }),
      ...(values['lease-name'] === undefined ? {} : { leaseName: values['lease-name'] }),
    });
    log.info({ health: operator.health?.url }, 'operator started');
    const stop = (): void => {
      log.info('signal received; shutting down');
      void operator.stop();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    const code = await operator.done;
    process.off('SIGTERM', stop);
    process.off('SIGINT', stop);
    return code;
  },
};
