import { request } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** KubeRequest is one raw API call, for the few cases where client-node's typed serializer gets in the way. */
export interface KubeRequest {
  readonly method: 'GET' | 'PATCH' | 'POST' | 'PUT' | 'DELETE';
  /** path starts with /api or /apis and may carry a query string. */
  readonly path: string;
  /** body is sent as JSON, exactly as given (wire-format field names). */
  readonly body?: unknown;
  /** contentType defaults to application/json. */
  readonly contentType?: string;
}

/** KubeResponse is the status and decoded JSON body (undefined when empty or not JSON). */
export interface KubeResponse {
  readonly status: number;
  readonly body: unknown;
}

/**
 * kubeRequest sends one request with the KubeConfig's current cluster and
 * credentials. client-node's typed models rename wire fields such as
 * x-kubernetes-validations and silently drop unknown keys, so manifests read
 * from YAML must travel raw.
 */
export async function kubeRequest(kc: KubeConfig, req: KubeRequest): Promise<KubeResponse> {
  const cluster = kc.getCurrentCluster();
  if (cluster === null) throw new Error('the KubeConfig has no current cluster');
  const url = new URL(req.path, cluster.server);
  const payload = req.body === undefined ? undefined : JSON.stringify(req.body);
  const options: Parameters<typeof request>[1] = {
    method: req.method,
    headers: {
      accept: 'application/json',
      ...(payload === undefined ? {} : { 'content-type': req.contentType ?? 'application/json' }),
    },
  };
  await kc.applyToHTTPSOptions(options);
  return new Promise((resolve, reject) => {
    const r = request(url, options, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: unknown;
        try {
          body = text === '' ? undefined : JSON.parse(text);
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, body });
      });
    });
    r.on('error', reject);
    r.end(payload);
  });
}
