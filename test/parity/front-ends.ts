import { expect } from 'vitest';
import { secretPath, type KubeObject, type SecretObject } from '../../kube/index.js';
import type { RunningOperator } from '../../operator/main.js';
import { stateSecretName, tokenPath } from '../../operator/names.js';
import type { StorefrontTokenObject } from '../../operator/objects.js';
import { stateRefOf } from '../../provider/storefront-token/ownership.js';
import type { Engine } from '../../provider/tooling/engines.js';
import type { Sandbox } from '../../sandbox/index.js';
import { applyIn, getSecret, getToken, startOperatorIn, type Cluster } from '../operator/world.js';
import type { RunResult } from '../terraform/harness.js';
import { all, createTokenWorkspace, providerBlock, sandboxEnv, type RealProvider, type TokenWorkspace } from '../terraform/storefront-token-harness.js';
import { hclOf, type SecretRead, type SpecInput } from './snapshot.js';

// The two front ends behind one small driver interface, so a scenario is
// written once and run through both: the operator in-process against the
// control plane, and the real provider bundle driven by Terraform. Each
// driver only does what its front end's user would do; how each one gets
// to act (a watch, a poll, an apply) is the driver's business.

/** FrontEndName names a front end in the results table. */
export type FrontEndName = 'operator' | 'terraform';

/** A FrontEnd is one way a user manages a StorefrontToken. */
export interface FrontEnd {
  readonly name: FrontEndName;
  /** namespace is where its destination Secret lives. */
  readonly namespace: string;
  /** apply declares the spec; Terraform acts at once, the operator when it sees the change. */
  apply(spec: SpecInput): Promise<void>;
  /** settle lets the front end act on the world as it is: Terraform applies again, the operator already watches. */
  settle(): Promise<void>;
  /** idle lets time pass while the front end does nothing (the operator is stopped meanwhile). */
  idle(ms: number): Promise<void>;
  /** remove deletes the resource, so its deletion policy runs. */
  remove(): Promise<void>;
  /** converged tells whether the front end has caught up with the last change (the operator's status). */
  converged(): Promise<boolean>;
  /** secret reads the destination Secret, decoded. */
  secret(name: string): Promise<SecretRead | undefined>;
  /** state reads the durable state Secret (beside the destination `name`), decoded; undefined when gone. */
  state(name: string): Promise<Readonly<Record<string, string>> | undefined>;
  /** close stops what the driver started; the tokens stay as they are. */
  close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** An ExampleToken is an example manifest's StorefrontToken with the objects it needs (credentials, connection). */
export interface ExampleToken {
  readonly name: string;
  readonly spec: SpecInput;
  readonly support: readonly KubeObject[];
}

/** exampleToken splits an example file's objects into the token and what supports it. */
export function exampleToken(objects: readonly KubeObject[]): ExampleToken {
  const token = objects.find((o) => o.kind === 'StorefrontToken');
  if (token === undefined) throw new Error('the example has no StorefrontToken');
  return { name: token.metadata.name ?? '', spec: token['spec'] as SpecInput, support: objects.filter((o) => o !== token) };
}

/** OperatorFrontEnd runs the operator in-process, watching one namespace, with a 1 s platform poll. */
export class OperatorFrontEnd implements FrontEnd {
  readonly name = 'operator';
  readonly namespace: string;
  readonly #cluster: Cluster;
  readonly #example: ExampleToken;
  #operator: RunningOperator | undefined;
  #supported = false;

  private constructor(cluster: Cluster, namespace: string, example: ExampleToken) {
    this.#cluster = cluster;
    this.namespace = namespace;
    this.#example = example;
  }

  /** start runs an operator for the namespace. */
  static async start(cluster: Cluster, namespace: string, example: ExampleToken): Promise<OperatorFrontEnd> {
    const front = new OperatorFrontEnd(cluster, namespace, example);
    await front.#run();
    return front;
  }

  async #run(): Promise<void> {
    this.#operator = (await startOperatorIn(this.#cluster, this.namespace, { pollIntervalMs: 1000 })).operator;
  }

  async apply(spec: SpecInput): Promise<void> {
    const token: KubeObject = { apiVersion: 'sftoken.dev/v1alpha1', kind: 'StorefrontToken', metadata: { name: this.#example.name }, spec };
    await applyIn(this.#cluster, this.namespace, this.#supported ? [token] : [...this.#example.support, token]);
    this.#supported = true;
  }

  async settle(): Promise<void> {
    // The operator acts on watch events and polls by itself.
  }

  async idle(ms: number): Promise<void> {
    await this.#operator?.stop();
    this.#operator = undefined;
    await sleep(ms);
    await this.#run();
  }

  async remove(): Promise<void> {
    await this.#cluster.kube.send('DELETE', tokenPath(this.namespace, this.#example.name), undefined, undefined, [404]);
  }

  async converged(): Promise<boolean> {
    const token: StorefrontTokenObject | undefined = await getToken(this.#cluster, this.namespace, this.#example.name);
    if (token === undefined) return true;
    if (token.metadata.deletionTimestamp !== undefined) return false;
    const conditions = token.status?.conditions ?? [];
    return conditions.length > 0 && conditions.every((c) => c.observedGeneration === token.metadata.generation);
  }

  async secret(name: string): Promise<SecretRead | undefined> {
    return readOf(await getSecret(this.#cluster, this.namespace, name));
  }

  async state(): Promise<Readonly<Record<string, string>> | undefined> {
    return readOf(await getSecret(this.#cluster, this.namespace, stateSecretName(this.#example.name)))?.data;
  }

  async close(): Promise<void> {
    await this.#operator?.stop();
    this.#operator = undefined;
    // Without the operator nobody would remove its finalizers, and the
    // namespace would stay Terminating after the test; let them go.
    for (const path of [tokenPath(this.namespace, this.#example.name), secretPath(this.namespace, stateSecretName(this.#example.name))]) {
      await this.#cluster.kube.mergePatch(path, { metadata: { finalizers: null } }).catch(() => undefined);
    }
  }
}

function readOf(secret: SecretObject | undefined): SecretRead | undefined {
  if (secret === undefined) return undefined;
  return {
    type: secret.type ?? '',
    data: Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])),
    annotations: secret.metadata.annotations ?? {},
  };
}

/** TerraformWorld is what a Terraform driver needs: the provider bundle, an engine, the sandbox and the cluster. */
export interface TerraformWorld {
  readonly provider: RealProvider;
  readonly engine: Engine;
  readonly sandbox: Sandbox;
  readonly cluster: Cluster;
}

/** TerraformFrontEnd drives the real provider bundle with one engine, in one workspace. */
export class TerraformFrontEnd implements FrontEnd {
  readonly name = 'terraform';
  readonly namespace: string;
  readonly #world: TerraformWorld;
  readonly #ws: TokenWorkspace;
  #spec: SpecInput | undefined;

  private constructor(world: TerraformWorld, namespace: string, ws: TokenWorkspace) {
    this.#world = world;
    this.namespace = namespace;
    this.#ws = ws;
  }

  /** open makes and initialises a workspace. */
  static async open(world: TerraformWorld, namespace: string, name: string): Promise<TerraformFrontEnd> {
    const ws = createTokenWorkspace(world.provider, world.engine, name, sandboxEnv(world.sandbox));
    ws.write(providerBlock(world.cluster.cp.kubeconfigPath));
    ok(await ws.run(['init', '-input=false']), 'init');
    return new TerraformFrontEnd(world, namespace, ws);
  }

  async apply(spec: SpecInput): Promise<void> {
    const secret = spec['secret'] as Record<string, unknown>;
    this.#spec = { ...spec, secret: { ...secret, namespace: this.namespace } };
    this.#ws.write(providerBlock(this.#world.cluster.cp.kubeconfigPath) + hclOf(this.#spec, 'token'));
    ok(await this.#ws.run(['apply', '-auto-approve', '-input=false']), 'apply');
  }

  async settle(): Promise<void> {
    if (this.#spec === undefined) throw new Error('settle before apply');
    ok(await this.#ws.run(['apply', '-auto-approve', '-input=false']), 'apply');
  }

  async idle(ms: number): Promise<void> {
    await sleep(ms);
  }

  async remove(): Promise<void> {
    ok(await this.#ws.run(['destroy', '-auto-approve', '-input=false']), 'destroy');
  }

  converged(): Promise<boolean> {
    return Promise.resolve(true);
  }

  async secret(name: string): Promise<SecretRead | undefined> {
    return readOf(await getSecret(this.#world.cluster, this.namespace, name));
  }

  async state(name: string): Promise<Readonly<Record<string, string>> | undefined> {
    return readOf(await getSecret(this.#world.cluster, this.namespace, stateRefOf({ namespace: this.namespace, name }).name))?.data;
  }

  async close(): Promise<void> {
    // The workspace lives in the provider's temp root, removed after the file.
  }
}

function ok(result: RunResult, what: string): void {
  expect(result.code, `terraform ${what} failed:\n${all(result)}`).toBe(0);
}
