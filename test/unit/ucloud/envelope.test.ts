import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ucloudError, ucloudSuccess } from '../../../src/dialects/ucloud/protocol/envelope.ts';
import { paramErrorMessage, UCloudRetCode } from '../../../src/dialects/ucloud/protocol/ret-codes.ts';

describe('ucloudSuccess', () => {
  it('names the response after the action, RetCode 0, fields after', () => {
    const body = ucloudSuccess('DescribeImage', { TotalCount: 1, ImageSet: [{ ImageId: 'uimage-1' }] });
    assert.deepEqual(body, { Action: 'DescribeImageResponse', RetCode: 0, TotalCount: 1, ImageSet: [{ ImageId: 'uimage-1' }] });
    assert.equal(JSON.stringify(body), '{"Action":"DescribeImageResponse","RetCode":0,"TotalCount":1,"ImageSet":[{"ImageId":"uimage-1"}]}');
  });

  it('works with no fields', () => {
    assert.deepEqual(ucloudSuccess('TerminateCustomImage', {}), { Action: 'TerminateCustomImageResponse', RetCode: 0 });
  });

  it('does not let action fields take the envelope keys', () => {
    // @ts-expect-error RetCode belongs to the envelope
    ucloudSuccess('X', { RetCode: 5 });
    // At run time too, e.g. for a record built without the type's help.
    const fields = JSON.parse('{"Action":"Evil","RetCode":5,"Total":1}') as { Total: number };
    assert.equal(JSON.stringify(ucloudSuccess('X', fields)), '{"Action":"XResponse","RetCode":0,"Total":1}');
  });
});

describe('ucloudError', () => {
  it('carries Action, RetCode and Message', () => {
    assert.deepEqual(ucloudError('DescribeImage', 8956, 'image not found'), {
      Action: 'DescribeImageResponse',
      RetCode: 8956,
      Message: 'image not found',
    });
  });

  it('omits Action when the request named none', () => {
    assert.deepEqual(ucloudError(undefined, UCloudRetCode.MissingAction, 'Missing Action'), {
      RetCode: 160,
      Message: 'Missing Action',
    });
    assert.deepEqual(ucloudError('', 171, 'bad'), { RetCode: 171, Message: 'bad' });
  });
});

describe('ret codes', () => {
  it('match the documented common codes', () => {
    assert.equal(UCloudRetCode.RateLimited, 153);
    assert.equal(UCloudRetCode.MissingAction, 160);
    assert.equal(UCloudRetCode.UnknownAction, 161);
    assert.equal(UCloudRetCode.MissingSignature, 170);
    assert.equal(UCloudRetCode.BadSignature, 171);
    assert.equal(UCloudRetCode.UserNotFound, 172);
    assert.equal(UCloudRetCode.ParamError, 230);
    assert.equal(UCloudRetCode.ProjectNotFound, 292);
    assert.equal(UCloudRetCode.PermissionDenied, 299);
  });

  it('word the 230 messages as the real API does', () => {
    assert.equal(paramErrorMessage('Region', 'missing'), 'Params [Region] not available');
    assert.equal(paramErrorMessage('Limit', 'invalid'), 'Params [Limit] not valid');
  });
});
