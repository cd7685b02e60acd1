import { CoreError } from '../../errors.js';

/** A CloudflareTokenId locates an account token: observe and revoke need the account as well as the id. */
export interface CloudflareTokenId {
  readonly accountId: string;
  readonly tokenId: string;
}

/** formatCloudflareTokenId writes `<account_id>/<token_id>`, the provider's own import format. */
export function formatCloudflareTokenId(id: CloudflareTokenId): string {
  return `${id.accountId}/${id.tokenId}`;
}

/** parseCloudflareTokenId reads `<account_id>/<token_id>`, or throws ERR_UNSUPPORTED. */
export function parseCloudflareTokenId(id: string | undefined): CloudflareTokenId {
  const [accountId, tokenId, ...rest] = (id ?? '').split('/');
  if (accountId === undefined || accountId === '' || tokenId === undefined || tokenId === '' || rest.length > 0) {
    throw new CoreError('ERR_UNSUPPORTED', 'A Cloudflare token reference must be "<account_id>/<token_id>"', { platform: 'cloudflare' });
  }
  return { accountId, tokenId };
}
