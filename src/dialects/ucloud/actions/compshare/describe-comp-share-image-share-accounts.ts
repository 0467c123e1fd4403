import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { str } from '../../protocol/param-schema.ts';
import { requireRegion } from '../region.ts';

export const DescribeCompShareImageShareAccounts = defineAction({
  name: 'DescribeCompShareImageShareAccounts',
  product: 'compshare',
  summary: "Lists the accounts one of the caller's custom images is shared with, in the order they were added.",
  params: {
    Region: str({ required: true }),
    CompShareImageId: str({ required: true }),
  },
  answer: { AccountSet: Type.Array(Type.Object({ AccountId: Type.String(), AccountName: Type.String() })) },
  errors: ['RegionNotFound', 'ImageNotFound', 'ImageNotCustom', 'PermissionDenied'],
  async handle({ services, principal }, p) {
    requireRegion(services.config, p.Region);
    const accounts = await services.imageGrants.accounts(principal, 'compshare', p.CompShareImageId);
    return { AccountSet: accounts.map((a) => ({ AccountId: a.accountId, AccountName: a.accountName })) };
  },
});
