import { Type } from '@sinclair/typebox';
import { defineAction } from '../../action.ts';
import { str, strArray } from '../../protocol/param-schema.ts';
import { requireRegion, zoneIn } from '../region.ts';

export const ModifyCompShareImageShareAccount = defineAction({
  name: 'ModifyCompShareImageShareAccount',
  product: 'compshare',
  summary:
    'Shares a custom image with other accounts (by account id, as Owner.AccountId shows it) or stops sharing it. ' +
    'An unknown account id fails the whole call (RetCode 230, every unknown id named) and nothing is changed; ' +
    "so does the owner's own account id (an image cannot be shared with its owner).",
  params: {
    Region: str({ required: true }),
    // Not in the page's parameter table, but its request example sends one.
    Zone: str(),
    CompShareImageId: str({ required: true }),
    AddAccounts: strArray({ maxItems: 10, itemMaxLength: 64, doc: 'account ids to share with; with RemoveAccounts, at least one' }),
    RemoveAccounts: strArray({ maxItems: 10, itemMaxLength: 64, doc: 'account ids to stop sharing with' }),
  },
  answer: { InvalidAccounts: Type.Array(Type.String(), { description: 'always empty on success: an unknown account fails the call' }) },
  errors: ['RegionNotFound', 'ZoneNotFound', 'ImageNotFound', 'ImageNotCustom', 'ImageNotAvailable', 'PermissionDenied', 'ShareAccountNotFound'],
  async handle({ services, principal }, p) {
    zoneIn(requireRegion(services.config, p.Region), p.Zone);
    await services.imageGrants.modify(principal, 'compshare', { imageId: p.CompShareImageId, add: p.AddAccounts, remove: p.RemoveAccounts });
    return { InvalidAccounts: [] };
  },
});
