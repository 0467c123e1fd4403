/**
 * kiln-images-sdk: typed clients for Kiln's UCloud (UHost, CompShare) and Zenlayer ZEC APIs.
 * Runs on Node 20+ and modern browsers with nothing beyond the platform (fetch, WebCrypto).
 *
 *   const uhost = new UHostClient({ endpoint: 'http://127.0.0.1:8480', publicKey, privateKey, region: 'cn-bj2' });
 *   const { ImageSet } = await uhost.describeImage({ Limit: 10 });
 */
export { UHostClient, CompShareClient, ZecClient } from './clients.ts';
export { UCloudClient, type UCloudClientOptions, type WithDefaults } from './ucloud/client.ts';
export { ZecClientBase, type ZecClientOptions } from './zenlayer/client.ts';
export { ApiError, ImageFailedError, KilnSdkError, NetworkError, WaitTimeoutError } from './errors.ts';
export { webCryptoHashing, type Hashing } from './hashing.ts';
export type { RetryOptions } from './retry.ts';
export type { CallOptions } from './actions.ts';
export { pollImage, type ImageProgress, type WaitOptions } from './waiter.ts';
export { MovingRate } from './moving-rate.ts';
export { blobSource, type UploadSource } from './upload/source.ts';
export { Sha256, type IncrementalHash } from './upload/sha256.ts';
export type { StartedUpload, UploadImageOptions, UploadProgress, UploadResult } from './upload/upload-image.ts';
export { UploadsEndpoint, type UploadCreate, type UploadOffset } from './upload/uploads-endpoint.ts';
export { KilnEndpoints, type DownloadOptions, type Product, type ServerProgress } from './kiln-endpoints.ts';
export { flattenParams, valueString, type Scalar } from './ucloud/flatten.ts';
export { signUCloud, ucloudSigningString } from './ucloud/signature.ts';
export {
  signZc,
  zcAuthorization,
  zcCanonicalRequest,
  zcSignedHeaders,
  zcStringToSign,
  ZC_SIGNATURE_METHOD,
  type ZcSigningInput,
} from './zenlayer/signature.ts';
export type * as UHost from './generated/uhost.ts';
export type * as CompShare from './generated/compshare.ts';
export type * as Zec from './generated/zec.ts';
