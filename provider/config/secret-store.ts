/** SecretRef names one Kubernetes Secret. */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

/** StoredSecret is a Secret as the provider reads and writes it, with data decoded to text. */
export interface StoredSecret extends SecretRef {
  /** type is the Secret's type; absent means Opaque. Kubernetes never changes it in place. */
  readonly type?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** data is the Secret's data, decoded from base64. It holds token values: never log it. */
  readonly data: Readonly<Record<string, string>>;
  /** resourceVersion is the version read or written, for a guarded write. */
  readonly resourceVersion?: string;
}

/**
 * A PutGuard makes a write fail instead of overwriting someone else's: `create`
 * only when the Secret does not exist, `expect` only when it is still at that
 * resourceVersion. Without one, put creates or replaces.
 */
export type PutGuard = { readonly create: true } | { readonly expect: string };

/**
 * A SecretStore is where issued values go. The provider only ever needs
 * these four calls; an injected store lets unit tests run without a cluster.
 * Errors are plain Errors whose message
 * never contains Secret data.
 */
export interface SecretStore {
  /** defaultNamespace is the kubeconfig context's namespace (or "default"), used when a resource names none. */
  defaultNamespace(): Promise<string>;
  /** get returns the Secret, or undefined when it does not exist. */
  get(ref: SecretRef, signal?: AbortSignal): Promise<StoredSecret | undefined>;
  /** put creates the Secret or replaces it wholesale (as the guard allows) and returns it as written. */
  put(secret: StoredSecret, signal?: AbortSignal, guard?: PutGuard): Promise<StoredSecret>;
  /** delete removes the Secret; deleting a missing Secret succeeds. */
  delete(ref: SecretRef, signal?: AbortSignal): Promise<void>;
}
