import { z } from 'zod';
import { field } from '../../schema/meta.js';

// The platform's block of StorefrontToken.spec: its scope and its own settings,
// with the metadata the CRD, Terraform schema and docs generators read.

/** wizcommerceSpecSchema is the WizCommerce block: the account the token belongs to. */
export const wizcommerceSpecSchema = z.strictObject({
  accountEmail: field(z.email({ message: 'must be the email address of the WizCommerce account' }), {
    description: 'Email of the WizCommerce account the token is created for; must match the connection credentials.',
    change: 'immutable',
  }),
});
