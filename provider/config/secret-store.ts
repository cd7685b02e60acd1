/** SecretRef names one Kubernetes Secret. */
export interface SecretRef {
  readonly namespace: string;
  readonly name: string;
}

/** StoredSecret is a Secret as the provider reads and writes it, with data decoded to text. */
export interface StoredSecret extends SecretRef {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** data is the Secret's data, decoded from base64. It holds token values: never log it. */
  readonly data: Readonly<Record<string, string>>;
}

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
  /** put creates the Secret or replaces it wholesale. */
  put(secret: StoredSecret, signal?: AbortSignal): Promise<void>;
  /** delete removes the Secret; deleting a missing Secret succeeds. */
  delete(ref: SecretRef, signal?: AbortSignal): Promise<void>;
}
