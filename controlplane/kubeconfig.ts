import { stringify } from 'yaml';

/** KubeconfigInput is what a token-authenticated kubeconfig needs. */
export interface KubeconfigInput {
  /** name is used for the cluster, user and context entries. */
  readonly name: string;
  /** server is the API server URL, e.g. https://127.0.0.1:6443. */
  readonly server: string;
  /** caFile is the PEM bundle that signs the serving certificate. */
  readonly caFile: string;
  /** token is the bearer token; the rendered file is therefore written with mode 0600. */
  readonly token: string;
}

/** renderKubeconfig produces kubeconfig YAML that kubectl and @kubernetes/client-node both accept. */
export function renderKubeconfig(input: KubeconfigInput): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: input.name, cluster: { server: input.server, 'certificate-authority': input.caFile } }],
    users: [{ name: input.name, user: { token: input.token } }],
    contexts: [{ name: input.name, context: { cluster: input.name, user: input.name } }],
    'current-context': input.name,
  });
}
