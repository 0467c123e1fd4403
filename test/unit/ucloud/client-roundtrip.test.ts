/**
 * The test client (test/support/ucloud-client.ts) against the protocol layer: every SDK
 * encoding must decode to the map that was signed, and the signature must verify. The
 * second half does it over real HTTP through Fastify, which is also the reference for
 * wiring decodeUCloudRequest into a route.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { decodeUCloudRequest, UCloudDecodeError } from '../../../src/dialects/ucloud/protocol/decode-request.ts';
import { ucloudError, ucloudSuccess } from '../../../src/dialects/ucloud/protocol/envelope.ts';
import { registerRawBodyParsers, ucloudRequestInput } from '../../../src/dialects/ucloud/protocol/raw-body.ts';
import { UCloudRetCode } from '../../../src/dialects/ucloud/protocol/ret-codes.ts';
import { verifyUCloudSignature } from '../../../src/dialects/ucloud/protocol/signature.ts';
import { sdkSignature, UCloudTestClient, type EncodedUCloudRequest, type UCloudEncoding } from '../../support/ucloud-client.ts';

const PUBLIC_KEY = 'ucloudsomeone@example.com1296235120854146120';
const PRIVATE_KEY = '46f09bb9fab4f12dfc160dae12273d5332b5debe';
const ENCODINGS: UCloudEncoding[] = ['get', 'form', 'form+query', 'json'];

/** A call using every shape of parameter the UCloud actions take. */
const RICH_PARAMS = {
  ImageName: 'web server v2',
  ImageDescription: 'a&b=c+d 100% 镜像',
  Empty: '',
  Nothing: null,
  DataUDiskIds: ['bs-1', 'bs-2'],
  Softwares: { Framework: 'PyTorch', Application: ['jupyter', 'vscode'] },
  Disks: [
    { IsBoot: 'True', Size: 40, CustomBackup: { Journal: 7 } },
    { IsBoot: 'False', Size: 100 },
  ],
  Limit: 20,
  Ratio: 0.5,
  Auth: true,
  Force: false,
};

/** The flat map the server should see for RICH_PARAMS (before Signature/common params). */
const RICH_FLAT = {
  Action: 'CreateCustomImage',
  ImageName: 'web server v2',
  ImageDescription: 'a&b=c+d 100% 镜像',
  Empty: '',
  'DataUDiskIds.0': 'bs-1',
  'DataUDiskIds.1': 'bs-2',
  'Softwares.Framework': 'PyTorch',
  'Softwares.Application.0': 'jupyter',
  'Softwares.Application.1': 'vscode',
  'Disks.0.IsBoot': 'True',
  'Disks.0.Size': '40',
  'Disks.0.CustomBackup.Journal': '7',
  'Disks.1.IsBoot': 'False',
  'Disks.1.Size': '100',
  Limit: '20',
  Ratio: '0.5',
  Auth: 'true',
  Force: 'false',
  Region: 'cn-bj2',
  ProjectId: 'org-abc',
  PublicKey: PUBLIC_KEY,
};

const client = new UCloudTestClient({
  baseUrl: 'http://unused.invalid',
  publicKey: PUBLIC_KEY,
  privateKey: PRIVATE_KEY,
  region: 'cn-bj2',
  projectId: 'org-abc',
});

function decodeEncoded(request: EncodedUCloudRequest): Record<string, string> {
  return {
    ...decodeUCloudRequest({
      method: request.method,
      query: request.query,
      contentType: request.contentType,
      body: request.body === undefined ? undefined : Buffer.from(request.body, 'utf8'),
    }),
  };
}

function withoutSignature(params: Record<string, string>): Record<string, string> {
  const { Signature: _signature, ...rest } = params;
  return rest;
}

describe('test client encodings decoded by decodeUCloudRequest', () => {
  for (const encoding of ENCODINGS) {
    it(`${encoding}: decodes to exactly the signed map, and the signature verifies`, () => {
      const request = client.encode('CreateCustomImage', RICH_PARAMS, { encoding });
      const decoded = decodeEncoded(request);
      assert.deepEqual(decoded, request.params);
      assert.equal(typeof decoded.Signature, 'string');
      assert.equal(verifyUCloudSignature(decoded, PRIVATE_KEY, decoded.Signature ?? ''), true);
    });
  }

  it('all four encodings carry the same parameters (form+query drops empty strings)', () => {
    for (const encoding of ENCODINGS) {
      const decoded = withoutSignature(decodeEncoded(client.encode('CreateCustomImage', RICH_PARAMS, { encoding })));
      const expected: Record<string, string> = { ...RICH_FLAT };
      if (encoding === 'form+query') delete expected.Empty;
      assert.deepEqual(decoded, expected, encoding);
    }
  });

  it('every encoding signs the documented vector', () => {
    const docClient = new UCloudTestClient({ baseUrl: 'http://unused.invalid', publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY });
    for (const encoding of ENCODINGS) {
      const request = docClient.encode('DescribeUHostInstance', { Region: 'cn-bj2', Limit: 10 }, { encoding });
      assert.equal(request.params.Signature, 'cba5cf5ec4d4233d206b1b54951e3787350a642f', encoding);
      assert.equal(decodeEncoded(request).Signature, 'cba5cf5ec4d4233d206b1b54951e3787350a642f', encoding);
    }
  });

  it('shapes each encoding as its SDK does', () => {
    const get = client.encode('DescribeImage', { Limit: 5 }, { encoding: 'get' });
    assert.equal(get.method, 'GET');
    assert.equal(get.body, undefined);
    assert.equal(get.path, `/?${get.query}`);
    assert.match(get.query, /(^|&)Action=DescribeImage(&|$)/);

    const form = client.encode('DescribeImage', { ImageName: 'a b' }, { encoding: 'form' });
    assert.equal(form.method, 'POST');
    assert.equal(form.path, '/');
    assert.equal(form.contentType, 'application/x-www-form-urlencoded');
    assert.match(form.body ?? '', /(^|&)ImageName=a\+b(&|$)/);

    const goStyle = client.encode('DescribeImage', { ImageName: '', Tag: 'x' }, { encoding: 'form+query' });
    assert.equal(goStyle.query, 'Action=DescribeImage');
    assert.equal(goStyle.path, '/?Action=DescribeImage');
    const goBody = new URLSearchParams(goStyle.body);
    assert.equal(goBody.has('Action'), false);
    assert.equal(goBody.has('ImageName'), false);
    assert.equal(goBody.get('Tag'), 'x');

    const json = client.encode('DescribeImage', { Limit: 5, Auth: true, Ids: ['a'] }, { encoding: 'json' });
    assert.equal(json.contentType, 'application/json');
    const sent = JSON.parse(json.body ?? '') as Record<string, unknown>;
    assert.equal(sent.Limit, 5);
    assert.equal(sent.Auth, true);
    assert.equal(sent['Ids.0'], 'a');
    assert.equal(sent.Ids, undefined);
  });

  it('injects Region/ProjectId unless the call sets them', () => {
    assert.equal(client.encode('X', {}).params.Region, 'cn-bj2');
    assert.equal(client.encode('X', { Region: 'hk' }).params.Region, 'hk');
    assert.equal(client.encode('X', { ProjectId: 'org-other' }).params.ProjectId, 'org-other');
  });

  it('can leave out or override the signature', () => {
    const unsigned = client.encode('X', {}, { sign: false });
    assert.equal(unsigned.params.Signature, undefined);
    assert.equal(unsigned.params.PublicKey, PUBLIC_KEY);
    assert.equal(decodeEncoded(unsigned).Signature, undefined);
    const forged = client.encode('X', {}, { overrideSignature: 'f'.repeat(40), encoding: 'json' });
    const decoded = decodeEncoded(forged);
    assert.equal(decoded.Signature, 'f'.repeat(40));
    assert.equal(verifyUCloudSignature(decoded, PRIVATE_KEY, decoded.Signature ?? ''), false);
  });
});

describe('over real HTTP through Fastify', () => {
  let app: FastifyInstance;
  let http: UCloudTestClient;
  let baseUrl: string;

  before(async () => {
    app = Fastify();
    // The wiring a UCloud route needs: raw body parsers inside the route's own scope.
    await app.register(async (scope) => {
      registerRawBodyParsers(scope);
      scope.route({
        method: ['GET', 'POST'],
        url: '/',
        handler: async (request) => {
          let params: Record<string, string>;
          try {
            params = decodeUCloudRequest(ucloudRequestInput(request));
          } catch (err) {
            if (err instanceof UCloudDecodeError) return ucloudError(undefined, UCloudRetCode.ParamError, err.message);
            throw err;
          }
          const action = params.Action;
          if (action === undefined) return ucloudError(undefined, UCloudRetCode.MissingAction, 'Missing Action');
          const signature = params.Signature;
          if (signature === undefined) return ucloudError(action, UCloudRetCode.MissingSignature, 'Missing signature');
          if (!verifyUCloudSignature(params, PRIVATE_KEY, signature)) {
            return ucloudError(action, UCloudRetCode.BadSignature, 'Signature VerifyAC Error');
          }
          return ucloudSuccess(action, {
            Params: { ...params },
            TimestampHeader: request.headers['u-timestamp-ms'] ?? null,
            BodyBytes: Buffer.isBuffer(request.body) ? request.body.length : null,
          });
        },
      });
    });
    // A route outside the scope keeps Fastify's own JSON parser.
    app.post('/elsewhere', async (request) => ({ parsed: request.body }));
    baseUrl = await app.listen({ host: '127.0.0.1', port: 0 });
    // An echo server, not Kiln: its answers are not any action's.
    http = new UCloudTestClient({ baseUrl, publicKey: PUBLIC_KEY, privateKey: PRIVATE_KEY, region: 'cn-bj2', projectId: 'org-abc', checkAnswers: false });
  });

  after(async () => {
    await app.close();
  });

  for (const encoding of ENCODINGS) {
    it(`${encoding}: the server decodes the signed map and the signature verifies`, async () => {
      const { status, body } = await http.call('CreateCustomImage', RICH_PARAMS, { encoding });
      assert.equal(status, 200);
      assert.equal(body.RetCode, 0, JSON.stringify(body));
      assert.equal(body.Action, 'CreateCustomImageResponse');
      const expected: Record<string, string> = { ...RICH_FLAT };
      if (encoding === 'form+query') delete expected.Empty;
      assert.deepEqual(withoutSignature(body.Params as Record<string, string>), expected);
      assert.match(String(body.TimestampHeader), /^\d{13}$/);
    });
  }

  it('answers a wrong signature with 171, still HTTP 200', async () => {
    const { status, body } = await http.call('DescribeImage', {}, { overrideSignature: '0'.repeat(40) });
    assert.equal(status, 200);
    assert.deepEqual(body, { Action: 'DescribeImageResponse', RetCode: 171, Message: 'Signature VerifyAC Error' });
  });

  it('answers a missing signature with 170', async () => {
    const { body } = await http.call('DescribeImage', {}, { sign: false, encoding: 'get' });
    assert.equal(body.RetCode, 170);
  });

  it('hands the route the exact body bytes: hand-written JSON with odd spacing and 20.0 verifies', async () => {
    // What a curl user following the docs sends: spacing, and a float-looking integer
    // that must be signed as "20" (docs: a zero fraction is dropped).
    const signature = sdkSignature({ Action: 'DescribeImage', Limit: '20', PublicKey: PUBLIC_KEY }, PRIVATE_KEY);
    const raw = `{ "Action" :  "DescribeImage" ,\n  "Limit": 20.0, "PublicKey": "${PUBLIC_KEY}", "Signature": "${signature}" }`;
    const response = await fetch(`${baseUrl}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: raw,
    });
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.RetCode, 0, JSON.stringify(body));
    assert.equal(body.BodyBytes, Buffer.byteLength(raw));
    assert.equal((body.Params as Record<string, string>).Limit, '20');
  });

  it('turns an undecodable body into a UCloud error, not an HTTP error', async () => {
    const response = await fetch(`${baseUrl}/`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"Action":',
    });
    assert.equal(response.status, 200);
    const body = (await response.json()) as Record<string, unknown>;
    assert.equal(body.RetCode, 230);
    assert.equal(body.Action, undefined);
    assert.match(String(body.Message), /not valid JSON/);
  });

  it('leaves routes outside the scope with their usual JSON parser', async () => {
    const response = await fetch(`${baseUrl}/elsewhere`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"a":1}',
    });
    assert.deepEqual(await response.json(), { parsed: { a: 1 } });
  });
});
