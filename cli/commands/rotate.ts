import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { currentNamespace, KubeClient, loadKubeConfig } from '../../kube/index.js';
import { RevokePreviousNowAnnotation, RotateAnnotation, tokenPath } from '../../operator/names.js';
import type { StorefrontTokenObject } from '../../operator/objects.js';
import type { Command } from './command.js';

const usage = `usage: sftoken rotate NAME [-n NS] [flags]
       kubectl sftoken rotate NAME [-n NS] [flags]

Asks the operator for a new token now, by setting the annotation
sftoken.dev/rotate on the StorefrontToken to a new value (the same as
\`kubectl annotate storefronttoken NAME sftoken.dev/rotate=<new value> --overwrite\`).
The previous token stays valid for spec.rotation.overlap, then it is revoked.

  -n, --namespace NS        the token's namespace (default: the context's)
  --revoke-previous-now     leak response: revoke the replaced token as soon as the
                            new one is published, with no overlap (Warning event,
                            history reason Leaked)
  --wait                    wait until the operator has acted on the request
  --timeout SECONDS         how long --wait waits (default 60)
  --kubeconfig PATH         kubeconfig (default: KUBECONFIG, ~/.kube/config, in-cluster)
`;

/** rotateCommand is `sftoken rotate`: rotate now, or with --revoke-previous-now, respond to a leak. */
export const rotateCommand: Command = {
  name: 'rotate',
  summary: 'ask the operator for a new token now (--revoke-previous-now: revoke the old one at once)',
  async run(argv) {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...argv],
        allowPositionals: true,
        options: {
          namespace: { type: 'string', short: 'n' },
          'revoke-previous-now': { type: 'boolean' },
          wait: { type: 'boolean' },
          timeout: { type: 'string' },
          kubeconfig: { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error) {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${usage}`);
      return 2;
    }
    const { values, positionals } = parsed;
    if (values.help === true) {
      process.stdout.write(usage);
      return 0;
    }
    const [name, ...extra] = positionals;
    if (name === undefined || extra.length > 0) {
      process.stderr.write(`sftoken rotate: give exactly one StorefrontToken name\n\n${usage}`);
      return 2;
    }
    const kc = loadKubeConfig(values.kubeconfig);
    const namespace = values.namespace ?? currentNamespace(kc);
    const kube = new KubeClient(kc);
    const leaked = values['revoke-previous-now'] === true;
    // A new value every time: each distinct value is acted on once.
    const request = `${new Date().toISOString()}-${randomBytes(3).toString('hex')}`;
    const patched = await kube.mergePatch<StorefrontTokenObject>(tokenPath(namespace, name), {
      metadata: { annotations: { [RotateAnnotation]: request, [RevokePreviousNowAnnotation]: leaked ? 'true' : null } },
    });
    if (patched === undefined) {
      process.stderr.write(`sftoken rotate: storefronttoken ${namespace}/${name} not found\n`);
      return 1;
    }
    process.stdout.write(`storefronttoken ${namespace}/${name}: ${leaked ? 'rotation with revoke-previous-now' : 'rotation'} requested (${RotateAnnotation}=${request})\n`);
    if (values.wait !== true) return 0;
    const deadline = Date.now() + Number(values.timeout ?? '60') * 1000;
    for (;;) {
      const token = await kube.get<StorefrontTokenObject>(tokenPath(namespace, name));
      if (token?.status?.lastRotateRequest === request) {
        process.stdout.write(`storefronttoken ${namespace}/${name}: now publishing token ${token.status.current?.fingerprint ?? ''}\n`);
        return 0;
      }
      if (Date.now() > deadline) {
        const ready = token?.status?.conditions?.find((c) => c.type === 'Ready');
        process.stderr.write(`sftoken rotate: timed out waiting for the operator (Ready ${ready?.status ?? 'Unknown'} ${ready?.reason ?? ''}: ${ready?.message ?? ''})\n`);
        return 1;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  },
};
