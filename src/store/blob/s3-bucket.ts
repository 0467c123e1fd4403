import { CreateBucketCommand, HeadBucketCommand, type BucketLocationConstraint, type S3Client } from '@aws-sdk/client-s3';
import { SetupError } from '../../config/setup-error.ts';
import { describeS3Error, isNotFound, s3Status } from './s3-errors.ts';

/** Bucket-level checks, kept apart from chunk traffic: they run at start and in set-up. */
export interface BucketTarget {
  client: S3Client;
  bucket: string;
  region: string;
  /** The endpoint (or "AWS S3 (region)"), for messages. */
  where: string;
}

/**
 * Fails unless the bucket is reachable with our credentials, with a SetupError naming the
 * bucket and endpoint and saying what fixes it.
 */
export async function checkBucketAccess(t: BucketTarget): Promise<void> {
  try {
    await t.client.send(new HeadBucketCommand({ Bucket: t.bucket }));
  } catch (e) {
    const status = s3Status(e);
    const [why, fix] =
      status === 404
        ? ['the bucket does not exist', "kiln bucket create (or create it with the S3 store's own tools)"]
        : status === 403
          ? ['access denied', 'check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or the profile or instance role) and the bucket policy']
          : [describeS3Error(e), 'check KILN_S3_ENDPOINT and KILN_S3_REGION, and that the S3 store is running'];
    throw new SetupError(`blob store: cannot use S3 bucket "${t.bucket}" at ${t.where}: ${why}`, fix, { cause: e });
  }
}

/** Creates the bucket unless it exists: for tests and operator set-up, never on the serving path. */
export async function createBucketIfMissing(t: BucketTarget): Promise<void> {
  try {
    await t.client.send(new HeadBucketCommand({ Bucket: t.bucket }));
    return;
  } catch (e) {
    if (!isNotFound(e)) throw new Error(`blob store: cannot check S3 bucket "${t.bucket}" at ${t.where}: ${describeS3Error(e)}`, { cause: e });
  }
  // us-east-1 is the one region that refuses an explicit location constraint.
  const CreateBucketConfiguration = t.region === 'us-east-1' ? undefined : { LocationConstraint: t.region as BucketLocationConstraint };
  try {
    await t.client.send(new CreateBucketCommand({ Bucket: t.bucket, CreateBucketConfiguration }));
  } catch (e) {
    // Someone (another test, another operator) made it in between: what we wanted.
    if ((e as Error).name !== 'BucketAlreadyOwnedByYou')
      throw new Error(`blob store: cannot create S3 bucket "${t.bucket}" at ${t.where}: ${describeS3Error(e)}`, { cause: e });
  }
}
